/**
 * torch {@code .pt} checkpoints written by {@code torch.save}: {@link
 * io.github.embeddinggeometry.io.torch.TorchCheckpoint} reads tensors, dictionaries, lists, tuples,
 * strings and numbers through a restricted unpickler with the allow-list of {@code
 * torch.load(weights_only=True)}; nothing from the file is executed, any other object is an error
 * naming it.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.io.torch;
