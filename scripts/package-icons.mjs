// Draws the app icons into static/ (run by hand after a design change; the PNGs are committed):
// a shield holding three linked tenants. appIcon is for light backgrounds, appIconAlt (white)
// for dark ones; each at 1x and 2x, the sizes Splunk Web asks for.
//
//   node scripts/package-icons.mjs
import { writeFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";

const BLUE = [15, 108, 189];
const WHITE = [255, 255, 255];
const TENANTS = [
  [0.5, 0.34],
  [0.35, 0.6],
  [0.65, 0.6],
];

/** A shield in the unit square: straight sides on top, curving to a point at the bottom. */
function inShield(x, y) {
  if (y < 0.08 || y > 0.93) return false;
  const halfWidth = y < 0.5 ? 0.34 : 0.34 * Math.cos(((y - 0.5) / 0.43) * (Math.PI / 2));
  return Math.abs(x - 0.5) <= halfWidth;
}

function nearSegment(x, y, [ax, ay], [bx, by], halfWidth) {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= halfWidth;
}

/** The mark inside the shield: three tenants (dots) and the links between them. */
function inMark(x, y) {
  if (TENANTS.some(([cx, cy]) => Math.hypot(x - cx, y - cy) <= 0.085)) return true;
  return TENANTS.some((a, i) => nearSegment(x, y, a, TENANTS[(i + 1) % 3], 0.025));
}

/** RGBA pixels of one icon, 4x4 supersampled for smooth edges. */
function draw(size, shield, mark) {
  const pixels = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let cover = 0;
      let markCover = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          if (!inShield(x, y)) continue;
          cover++;
          if (inMark(x, y)) markCover++;
        }
      }
      const o = (py * size + px) * 4;
      const m = cover === 0 ? 0 : markCover / cover;
      for (let c = 0; c < 3; c++) pixels[o + c] = Math.round(shield[c] * (1 - m) + mark[c] * m);
      pixels[o + 3] = Math.round((255 * cover) / (n * n));
    }
  }
  return pixels;
}

function png(size, rgba) {
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "ascii");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, no filter, no interlace
  const rows = [];
  for (let y = 0; y < size; y++) {
    rows.push(Buffer.from([0]), rgba.subarray(y * size * 4, (y + 1) * size * 4));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const icons = {
  appIcon: [BLUE, WHITE],
  appIconAlt: [WHITE, BLUE],
};
for (const [name, [shield, mark]] of Object.entries(icons)) {
  for (const [suffix, size] of [["", 36], ["_2x", 72]]) {
    writeFileSync(new URL(`../static/${name}${suffix}.png`, import.meta.url), png(size, draw(size, shield, mark)));
  }
}
console.log("wrote static/appIcon{,_2x}.png and static/appIconAlt{,_2x}.png");
