package io.github.embeddinggeometry.io.internal;

import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle reader that builds data, never runs code: it accepts what {@code
 * torch.load(weights_only=True)} accepts for plain checkpoints (dicts, OrderedDicts, lists, tuples,
 * strings, bytes, ints, floats, bools, None, tensors rebuilt by {@code
 * torch._utils._rebuild_tensor_v2} or {@code _rebuild_parameter} over typed storages) and refuses
 * every other global by name, before anything could be called.
 *
 * <p>Python values map to: dict/OrderedDict -> {@link LinkedHashMap}, list -> {@link ArrayList},
 * tuple -> unmodifiable {@link List}, str -> String, bytes -> byte[], int -> Long (BigInteger
 * beyond 64 bits), float -> Double, bool -> Boolean, None -> null, tensor -> {@link RegionTensor}.
 *
 * <p>What a pickle makes us build is bounded by its size: every memo entry, container element,
 * tensor dimension, dict-key element hashed, and 8 bytes of a copied string count one item, and a
 * pickle may create at most {@value #ITEMS_PER_BYTE} items per byte of its own plus {@value
 * #BASE_ITEMS}. Without the bound a few bytes that re-use memoized objects (a 64-dimension shape
 * tuple passed to thousands of tensor rebuilds, a long string encoded again and again) build
 * gigabytes. An honest pickle needs at most about one item per byte: each item it builds was
 * written into it at least once.
 */
public final class RestrictedUnpickler {
  /** Resolves a storage named by a persistent id to its bytes. */
  public interface StorageResolver {
    /**
     * @param key storage key (its file name under {@code data/})
     * @param dtype element type named by the storage class
     * @param numel elements the pickle says the storage holds
     */
    ByteRegion storage(String key, DType dtype, long numel) throws java.io.IOException;
  }

  /** A global that passed the allow-list. */
  private record Global(String module, String name) {
    @Override
    public String toString() {
      return module + "." + name;
    }
  }

  private record Storage(String key, DType dtype, ByteRegion bytes) {}

  /** Items a pickle may create per byte of its own size. */
  public static final int ITEMS_PER_BYTE = 2;

  /** Items any pickle may create, however small. */
  public static final int BASE_ITEMS = 1 << 16;

  private static final Object MARK = new Object();
  private static final Map<String, DType> STORAGES = new HashMap<>();

  static {
    STORAGES.put("DoubleStorage", DType.F64);
    STORAGES.put("FloatStorage", DType.F32);
    STORAGES.put("HalfStorage", DType.F16);
    STORAGES.put("BFloat16Storage", DType.BF16);
    STORAGES.put("LongStorage", DType.I64);
    STORAGES.put("IntStorage", DType.I32);
    STORAGES.put("ShortStorage", DType.I16);
    STORAGES.put("CharStorage", DType.I8);
    STORAGES.put("ByteStorage", DType.U8);
    STORAGES.put("BoolStorage", DType.BOOL);
  }

  private final String source;
  private final ByteBuffer in;
  private final StorageResolver resolver;
  private final ByteOrder order;
  private final List<Object> stack = new ArrayList<>();
  private final List<Integer> marks = new ArrayList<>();
  private final Map<Long, Object> memo = new HashMap<>();
  private final Map<String, Storage> storages = new HashMap<>();
  private int tensorCount;
  private final long itemLimit;
  private long items;

  private RestrictedUnpickler(
      String source, byte[] pickle, StorageResolver resolver, ByteOrder order) {
    this.source = source;
    this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    this.resolver = resolver;
    this.order = order;
    this.itemLimit = BASE_ITEMS + (long) ITEMS_PER_BYTE * pickle.length;
  }

  /**
   * Reads one pickled object.
   *
   * @param order byte order of the storages
   * @throws MalformedFileException for a malformed pickle or a forbidden global, naming it
   */
  public static Object load(String source, byte[] pickle, StorageResolver resolver, ByteOrder order)
      throws java.io.IOException {
    return new RestrictedUnpickler(source, pickle, resolver, order).run();
  }

  private MalformedFileException fail(String what) {
    return new MalformedFileException(
        source, "pickle: " + what + " (at byte " + in.position() + ")");
  }

  /** Counts {@code n} more items built, refusing the pickle once it passes its limit. */
  private void charge(long n) throws MalformedFileException {
    items += n;
    if (items > itemLimit) {
      throw fail(
          "builds more than "
              + itemLimit
              + " items (memo entries, container elements, tensor dimensions; the limit is "
              + ITEMS_PER_BYTE
              + " per byte of the "
              + in.capacity()
              + "-byte pickle + "
              + BASE_ITEMS
              + ")");
    }
  }

  private void memoize(long index) throws MalformedFileException {
    Object value = top();
    if (memo.put(index, value) == null) {
      charge(1);
    }
  }

  private void need(long n) throws MalformedFileException {
    if (n < 0 || n > in.remaining()) {
      throw fail("truncated: needs " + n + " bytes, " + in.remaining() + " left");
    }
  }

  private int u8() throws MalformedFileException {
    need(1);
    return in.get() & 0xff;
  }

  private byte[] bytes(long n) throws MalformedFileException {
    need(n);
    byte[] b = new byte[(int) n];
    in.get(b);
    return b;
  }

  private Object pop() throws MalformedFileException {
    if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) {
      throw fail("stack underflow");
    }
    Object o = stack.remove(stack.size() - 1);
    if (o == MARK) {
      throw fail("unexpected mark");
    }
    return o;
  }

  private Object top() throws MalformedFileException {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
      throw fail("stack underflow");
    }
    return stack.get(stack.size() - 1);
  }

  private List<Object> popToMark() throws MalformedFileException {
    if (marks.isEmpty()) {
      throw fail("no mark on the stack");
    }
    int m = marks.remove(marks.size() - 1);
    List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
    stack.subList(m - 1, stack.size()).clear(); // the items and the MARK itself
    return items;
  }

  private String line() throws MalformedFileException {
    int start = in.position();
    while (true) {
      if (!in.hasRemaining()) {
        throw fail("unterminated GLOBAL line");
      }
      if (in.get() == '\n') {
        break;
      }
      if (in.position() - start > 1000) {
        throw fail("GLOBAL line longer than 1000 bytes");
      }
    }
    return new String(in.array(), start, in.position() - start - 1, StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private Object run() throws java.io.IOException {
    while (true) {
      int op = u8();
      switch (op) {
        case 0x80: // PROTO
          u8();
          break;
        case 0x95: // FRAME
          need(8);
          in.getLong();
          break;
        case '.': // STOP
          Object result = pop();
          if (!stack.isEmpty()) {
            throw fail("STOP with " + stack.size() + " items left on the stack");
          }
          return result;
        case 'c': // GLOBAL
          stack.add(global(line(), line()));
          break;
        case 0x93:
          { // STACK_GLOBAL
            Object name = pop();
            Object module = pop();
            if (!(module instanceof String) || !(name instanceof String)) {
              throw fail("STACK_GLOBAL needs two strings");
            }
            stack.add(global((String) module, (String) name));
            break;
          }
        case 'q': // BINPUT
          memoize(u8());
          break;
        case 'r': // LONG_BINPUT
          need(4);
          memoize(in.getInt() & 0xffffffffL);
          break;
        case 0x94: // MEMOIZE
          memoize(memo.size());
          break;
        case 'h': // BINGET
          get(u8());
          break;
        case 'j': // LONG_BINGET
          need(4);
          get(in.getInt() & 0xffffffffL);
          break;
        case '(': // MARK
          marks.add(stack.size() + 1);
          stack.add(MARK);
          break;
        case '}': // EMPTY_DICT
          charge(1);
          stack.add(new LinkedHashMap<>());
          break;
        case ']': // EMPTY_LIST
          charge(1);
          stack.add(new ArrayList<>());
          break;
        case ')': // EMPTY_TUPLE
          stack.add(List.of());
          break;
        case 't':
          { // TUPLE
            List<Object> items = popToMark();
            charge(items.size() + 1);
            stack.add(Collections.unmodifiableList(items));
            break;
          }
        case 0x85: // TUPLE1
          stack.add(tuple(pop()));
          break;
        case 0x86:
          { // TUPLE2
            Object b = pop();
            Object a = pop();
            stack.add(tuple(a, b));
            break;
          }
        case 0x87:
          { // TUPLE3
            Object c = pop();
            Object b = pop();
            Object a = pop();
            stack.add(tuple(a, b, c));
            break;
          }
        case 's':
          { // SETITEM
            Object v = pop();
            Object k = pop();
            Map<Object, Object> d = dict(top());
            charge(1 + hashCost(k));
            d.put(key(k), v);
            break;
          }
        case 'u':
          { // SETITEMS
            List<Object> items = popToMark();
            if (items.size() % 2 != 0) {
              throw fail("SETITEMS with an odd number of items");
            }
            Map<Object, Object> d = dict(top());
            for (int i = 0; i < items.size(); i += 2) {
              charge(1 + hashCost(items.get(i)));
              d.put(key(items.get(i)), items.get(i + 1));
            }
            break;
          }
        case 'a':
          { // APPEND
            Object v = pop();
            List<Object> l = list(top());
            charge(1);
            l.add(v);
            break;
          }
        case 'e':
          { // APPENDS
            List<Object> items = popToMark();
            List<Object> l = list(top());
            charge(items.size());
            l.addAll(items);
            break;
          }
        case 'J': // BININT
          need(4);
          stack.add((long) in.getInt());
          break;
        case 'K': // BININT1
          stack.add((long) u8());
          break;
        case 'M': // BININT2
          need(2);
          stack.add((long) (in.getShort() & 0xffff));
          break;
        case 0x8a: // LONG1
          stack.add(longValue(bytes(u8())));
          break;
        case 0x8b:
          { // LONG4
            need(4);
            stack.add(longValue(bytes(in.getInt())));
            break;
          }
        case 'G': // BINFLOAT, big endian
          need(8);
          stack.add(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
          break;
        case 0x88: // NEWTRUE
          stack.add(Boolean.TRUE);
          break;
        case 0x89: // NEWFALSE
          stack.add(Boolean.FALSE);
          break;
        case 'N': // NONE
          stack.add(null);
          break;
        case 'X': // BINUNICODE
          need(4);
          stack.add(utf8(bytes(in.getInt() & 0xffffffffL)));
          break;
        case 0x8c: // SHORT_BINUNICODE
          stack.add(utf8(bytes(u8())));
          break;
        case 0x8d: // BINUNICODE8
          need(8);
          stack.add(utf8(bytes(in.getLong())));
          break;
        case 'U': // SHORT_BINSTRING (Python 2 str, read as latin-1)
          stack.add(new String(bytes(u8()), StandardCharsets.ISO_8859_1));
          break;
        case 'T': // BINSTRING
          need(4);
          stack.add(new String(bytes(in.getInt()), StandardCharsets.ISO_8859_1));
          break;
        case 'C': // SHORT_BINBYTES
          stack.add(bytes(u8()));
          break;
        case 'B': // BINBYTES
          need(4);
          stack.add(bytes(in.getInt() & 0xffffffffL));
          break;
        case 0x8e: // BINBYTES8
          need(8);
          stack.add(bytes(in.getLong()));
          break;
        case 'Q': // BINPERSID
          stack.add(persistent(pop()));
          break;
        case 'R':
          { // REDUCE
            Object args = pop();
            Object f = pop();
            stack.add(reduce(f, args));
            break;
          }
        case 0x81:
          { // NEWOBJ
            Object args = pop();
            Object cls = pop();
            stack.add(reduce(cls, args));
            break;
          }
        case 'b':
          { // BUILD
            Object state = pop();
            Object target = top();
            boolean emptyState =
                state == null
                    || (state instanceof Map && ((Map<?, ?>) state).isEmpty())
                    || (state instanceof List && ((List<?>) state).isEmpty());
            if (!emptyState) {
              throw fail("BUILD with state on " + typeName(target) + " is not allowed");
            }
            break;
          }
        case '0': // POP
          if (!stack.isEmpty() && stack.get(stack.size() - 1) == MARK) {
            popToMark();
          } else {
            pop();
          }
          break;
        case '1': // POP_MARK
          popToMark();
          break;
        case '2': // DUP
          stack.add(top());
          break;
        default:
          throw fail(String.format("opcode 0x%02x is not supported", op));
      }
    }
  }

  private List<Object> tuple(Object... items) throws MalformedFileException {
    charge(items.length + 1);
    List<Object> l = new ArrayList<>(items.length);
    Collections.addAll(l, items);
    return Collections.unmodifiableList(l);
  }

  private void get(long index) throws MalformedFileException {
    if (!memo.containsKey(index)) {
      throw fail("memo entry " + index + " was never stored");
    }
    stack.add(memo.get(index));
  }

  private Object global(String module, String name) throws MalformedFileException {
    charge(1);
    boolean ok =
        (module.equals("collections") && name.equals("OrderedDict"))
            || (module.equals("torch._utils")
                && (name.equals("_rebuild_tensor_v2") || name.equals("_rebuild_parameter")))
            || (module.equals("torch") && STORAGES.containsKey(name))
            || (module.equals("_codecs") && name.equals("encode"));
    if (!ok) {
      throw fail(
          "refuses global "
              + Excerpt.token(module + "." + name)
              + ": only tensors, dicts, lists, tuples,"
              + " strings, numbers, bools and None are allowed, as torch.load(weights_only=True)");
    }
    return new Global(module, name);
  }

  /** Items that hashing a dict key costs: its elements or 64-bit words (none for cached hashes). */
  private static long hashCost(Object k) {
    if (k instanceof List<?> l) {
      return l.size();
    }
    if (k instanceof BigInteger b) {
      return b.bitLength() / 64;
    }
    return 0;
  }

  private Object key(Object k) throws MalformedFileException {
    if (k == null
        || k instanceof String
        || k instanceof Long
        || k instanceof BigInteger
        || k instanceof Double
        || k instanceof Boolean) {
      return k;
    }
    if (k instanceof List && !(k instanceof ArrayList)) {
      for (Object o : (List<?>) k) {
        if (!(o == null
            || o instanceof String
            || o instanceof Long
            || o instanceof Double
            || o instanceof Boolean
            || o instanceof BigInteger)) {
          throw fail(
              "dict key tuple holds a "
                  + typeName(o)
                  + "; only flat tuples of scalars are supported");
        }
      }
      return k;
    }
    throw fail("unhashable dict key of type " + typeName(k));
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object o) throws MalformedFileException {
    if (o instanceof LinkedHashMap) {
      return (Map<Object, Object>) o;
    }
    throw fail("SETITEM(S) on a " + typeName(o) + ", not a dict");
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o) throws MalformedFileException {
    if (o instanceof ArrayList) {
      return (List<Object>) o;
    }
    throw fail("APPEND(S) on a " + typeName(o) + ", not a list");
  }

  private static String typeName(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof ArrayList) {
      return "list";
    }
    if (o instanceof List) {
      return "tuple";
    }
    if (o instanceof Map) {
      return "dict";
    }
    return o.getClass().getSimpleName();
  }

  private static Object longValue(byte[] le) {
    if (le.length == 0) {
      return 0L;
    }
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    BigInteger v = new BigInteger(be);
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  private String utf8(byte[] b) throws MalformedFileException {
    return StrictJson.utf8(source, "pickled string", b);
  }

  private Object persistent(Object pid) throws java.io.IOException {
    if (!(pid instanceof List) || pid instanceof ArrayList || ((List<?>) pid).size() != 5) {
      throw fail("persistent id is not a 5-tuple ('storage', type, key, location, numel)");
    }
    List<?> t = (List<?>) pid;
    if (!"storage".equals(t.get(0))
        || !(t.get(1) instanceof Global)
        || !(t.get(2) instanceof String)
        || !(t.get(4) instanceof Long)) {
      throw fail(
          "persistent id " + describe(t) + " is not ('storage', type, key, location, numel)");
    }
    Global type = (Global) t.get(1);
    DType dtype = STORAGES.get(type.name());
    if (dtype == null || !type.module().equals("torch")) {
      throw fail("persistent id names " + type + ", not a storage type");
    }
    String key = (String) t.get(2);
    long numel = (Long) t.get(4);
    if (numel < 0) {
      throw fail("storage " + Excerpt.quote(key) + " has negative size " + numel);
    }
    Storage s = storages.get(key);
    if (s == null) {
      charge(1);
      s = new Storage(key, dtype, resolver.storage(key, dtype, numel));
      storages.put(key, s);
    } else if (s.dtype() != dtype) {
      throw fail("storage " + Excerpt.quote(key) + " used as both " + s.dtype() + " and " + dtype);
    }
    return s;
  }

  private static String describe(List<?> t) {
    StringBuilder b = new StringBuilder("(");
    for (Object o : t) {
      b.append(o instanceof String ? Excerpt.quote((String) o) : typeName(o)).append(", ");
    }
    return b.append(')').toString();
  }

  private Object reduce(Object f, Object args) throws MalformedFileException {
    if (!(f instanceof Global)) {
      throw fail("REDUCE calls a " + typeName(f) + ", not an allowed global");
    }
    if (!(args instanceof List) || args instanceof ArrayList) {
      throw fail("REDUCE arguments are a " + typeName(args) + ", not a tuple");
    }
    List<?> a = (List<?>) args;
    Global g = (Global) f;
    switch (g.name()) {
      case "OrderedDict":
        if (!a.isEmpty()) {
          throw fail("OrderedDict called with arguments");
        }
        charge(1);
        return new LinkedHashMap<>();
      case "_rebuild_tensor_v2":
        return rebuildTensor(a);
      case "_rebuild_parameter":
        if (a.size() < 1 || !(a.get(0) instanceof RegionTensor)) {
          throw fail("_rebuild_parameter needs a tensor as first argument");
        }
        return a.get(0);
      case "encode":
        if (a.size() != 2 || !(a.get(0) instanceof String) || !"latin1".equals(a.get(1))) {
          throw fail("_codecs.encode is only allowed as encode(str, 'latin1')");
        }
        charge(((String) a.get(0)).length() / 8 + 1);
        return ((String) a.get(0)).getBytes(StandardCharsets.ISO_8859_1);
      default:
        throw fail("global " + g + " cannot be called");
    }
  }

  private Object rebuildTensor(List<?> a) throws MalformedFileException {
    if (a.size() < 4 || !(a.get(0) instanceof Storage) || !(a.get(1) instanceof Long)) {
      throw fail("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
    }
    Storage s = (Storage) a.get(0);
    long offset = (Long) a.get(1);
    long[] size = longs(a.get(2), "size");
    long[] stride = longs(a.get(3), "stride");
    if (size.length != stride.length) {
      throw fail("tensor size has " + size.length + " dims but stride has " + stride.length);
    }
    charge(2L * size.length + 8);
    try {
      return new RegionTensor(
          source,
          "tensor" + tensorCount++ + " (storage " + Excerpt.quote(s.key()) + ")",
          s.dtype(),
          size,
          stride,
          offset,
          s.bytes(),
          order,
          null);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw fail(
          "tensor over storage "
              + Excerpt.quote(s.key())
              + " of "
              + s.bytes().size()
              + " bytes: "
              + e.getMessage());
    }
  }

  private long[] longs(Object o, String what) throws MalformedFileException {
    if (!(o instanceof List) || o instanceof ArrayList) {
      throw fail("tensor " + what + " is not a tuple");
    }
    List<?> l = (List<?>) o;
    if (l.size() > 64) {
      throw fail("tensor " + what + " has " + l.size() + " dimensions (max 64)");
    }
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Long) || (Long) l.get(i) < 0) {
        throw fail("tensor " + what + "[" + i + "] is not a non-negative int");
      }
      out[i] = (Long) l.get(i);
    }
    return out;
  }
}
