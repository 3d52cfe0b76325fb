package io.github.embeddinggeometry.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngTest {
  /** ImageIO's own PNG reader, an independent decoder, gets back every pixel. */
  @Test
  void imageIoReadsBackEveryPixel() throws IOException {
    for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
      BufferedImage img = new BufferedImage(203, 97, type);
      Graphics2D g = img.createGraphics();
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, 203, 97);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(new Color(200, 30, 90));
      g.drawOval(10, 10, 150, 70);
      g.drawString("figure", 40, 50);
      g.dispose();
      Random rnd = new Random(7);
      for (int i = 0; i < 500; i++) { // noise: channel wrap-around in the Sub filter
        img.setRGB(rnd.nextInt(203), rnd.nextInt(97), 0xff000000 | rnd.nextInt(1 << 24));
      }
      img.setRGB(0, 0, 0xff000000); // black next to white: differences of +-255
      img.setRGB(1, 0, 0xffffffff);

      byte[] file = Png.encode(img);
      BufferedImage back = ImageIO.read(new ByteArrayInputStream(file));
      assertEquals(203, back.getWidth());
      assertEquals(97, back.getHeight());
      for (int y = 0; y < 97; y++) {
        for (int x = 0; x < 203; x++) {
          assertEquals(
              img.getRGB(x, y) & 0xffffff, back.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
        }
      }
    }
  }

  /** Every chunk's CRC is that of its type and data (the PNG specification's rule), IEND last. */
  @Test
  void chunksCarryValidCrcs() {
    byte[] file = Png.encode(new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB));
    assertArrayEquals(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
        java.util.Arrays.copyOf(file, 8));
    ByteBuffer b = ByteBuffer.wrap(file, 8, file.length - 8);
    String last = null;
    int chunks = 0;
    while (b.hasRemaining()) {
      int len = b.getInt();
      byte[] typeAndData = new byte[4 + len];
      b.get(typeAndData);
      CRC32 crc = new CRC32();
      crc.update(typeAndData);
      assertEquals((int) crc.getValue(), b.getInt());
      last = new String(typeAndData, 0, 4, StandardCharsets.US_ASCII);
      if (chunks++ == 0) {
        assertEquals("IHDR", last);
        assertEquals(5, ByteBuffer.wrap(typeAndData, 4, 4).getInt());
        assertEquals(3, ByteBuffer.wrap(typeAndData, 8, 4).getInt());
      }
    }
    assertEquals("IEND", last);
  }
}
