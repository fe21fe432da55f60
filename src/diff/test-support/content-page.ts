import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// A deterministic, content-heavy page (text, tables, gradients, canvas "photos", rounded
// cards) in two variants, served on 127.0.0.1, so tests and the benchmark diff real
// Chromium screenshots instead of synthetic blocks.

export type PageVariant = 'baseline' | 'changed';

const words =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur'.split(
    ' ',
  );

function sentence(seed: number, length: number): string {
  const out: string[] = [];
  for (let i = 0; i < length; i++)
    out.push(words[(seed * 7 + i * 13 + ((seed * i) % 5)) % words.length] ?? 'x');
  const text = out.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

function paragraph(seed: number, sentences: number): string {
  const parts: string[] = [];
  for (let i = 0; i < sentences; i++) parts.push(sentence(seed + i, 8 + ((seed + i) % 9)));
  return parts.join(' ');
}

function section(index: number, variant: PageVariant): string {
  const changed = variant === 'changed';
  const heading =
    changed && index === 2
      ? `Section ${index + 1}: revised pricing overview`
      : `Section ${index + 1}: product overview`;
  const body = changed && index === 4 ? paragraph(index * 31 + 7, 7) : paragraph(index * 31, 7);
  const accent = changed && index === 6 ? '#2f6fdf' : '#2f6fde';
  const rows = Array.from({ length: 5 }, (_, r) => {
    const price = changed && index === 8 && r === 3 ? '1,249.00' : `${(r + 1) * 100 + index}.00`;
    return `<tr><td>Item ${index}-${r}</td><td>${sentence(index + r, 4)}</td><td class="num">${price}</td></tr>`;
  }).join('');
  const photoSeed = changed && index === 10 ? index * 3 + 1 : index * 3;
  return `<section>
  <h2>${heading}</h2>
  <div class="row">
    <canvas class="photo" width="360" height="220" data-seed="${photoSeed}"></canvas>
    <div class="text"><p>${body}</p><p>${paragraph(index * 17 + 3, 4)}</p>
      <a class="button" style="background:${accent}">Learn more</a>
      <span class="badge">${changed && index === 12 ? 'New' : 'Beta'}</span></div>
  </div>
  <table><thead><tr><th>SKU</th><th>Description</th><th>Price</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

export function contentPageHtml(variant: PageVariant, heightPx: number): string {
  const sections = Math.ceil(heightPx / 560) + 1;
  const content = Array.from({ length: sections }, (_, i) => section(i, variant)).join('\n');
  const shiftBanner = variant === 'changed' ? 'padding: 18px 32px 22px' : 'padding: 20px 32px';
  return `<!doctype html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; }
body { font: 15px/1.5 'DejaVu Sans', sans-serif; color: #222; background: #fafafa; }
header { ${shiftBanner}; color: white; background: linear-gradient(120deg, #1d3c78, #6a2c91 60%, #c2410c); }
header h1 { margin: 0; font: 600 30px 'DejaVu Serif', serif; }
nav a { color: #f0f0f0; margin-right: 18px; text-decoration: underline; }
main { padding: 0 32px; }
section { margin: 24px 0; padding: 20px; background: white; border: 1px solid #e3e3e3; border-radius: 12px; box-shadow: 0 2px 6px rgba(0,0,0,.08); }
h2 { font: 600 21px 'Liberation Serif', serif; margin: 0 0 12px; }
.row { display: flex; gap: 20px; }
.photo { border-radius: 8px; flex: none; }
.text { flex: 1; }
.button { display: inline-block; color: white; padding: 8px 16px; border-radius: 18px; }
.badge { margin-left: 8px; padding: 2px 8px; border-radius: 10px; background: radial-gradient(circle, #ffd54f, #ff8f00); font-size: 12px; }
table { width: 100%; border-collapse: collapse; margin-top: 14px; font-size: 13px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; }
.num { text-align: right; font-family: 'DejaVu Sans Mono', monospace; }
</style></head><body><div style="height: ${heightPx}px; overflow: hidden">
<header><h1>Scene fixture store</h1><nav><a>Home</a><a>Catalogue</a><a>Pricing</a><a>Support</a></nav></header>
<main>${content}</main></div>
<script>
for (const canvas of document.querySelectorAll('canvas.photo')) {
  let s = Number(canvas.dataset.seed) * 9301 + 49297;
  const rnd = () => ((s = (s * 9301 + 49297) % 233280) / 233280);
  const g = canvas.getContext('2d');
  const sky = g.createLinearGradient(0, 0, 0, canvas.height);
  sky.addColorStop(0, 'hsl(' + Math.floor(rnd() * 360) + ',60%,70%)');
  sky.addColorStop(1, 'hsl(' + Math.floor(rnd() * 360) + ',50%,35%)');
  g.fillStyle = sky; g.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < 90; i++) {
    const x = rnd() * canvas.width, y = rnd() * canvas.height, r = 4 + rnd() * 40;
    const blob = g.createRadialGradient(x, y, 0, x, y, r);
    blob.addColorStop(0, 'hsla(' + Math.floor(rnd() * 360) + ',70%,60%,0.9)');
    blob.addColorStop(1, 'hsla(0,0%,100%,0)');
    g.fillStyle = blob; g.beginPath(); g.arc(x, y, r, 0, Math.PI * 2); g.fill();
  }
  for (let i = 0; i < 2500; i++) {
    const v = Math.floor(rnd() * 255);
    g.fillStyle = 'rgba(' + v + ',' + v + ',' + v + ',0.15)';
    g.fillRect(rnd() * canvas.width, rnd() * canvas.height, 2, 2);
  }
}
</script>
</body></html>`;
}

export interface ContentPageServer {
  url(variant: PageVariant, heightPx: number): string;
  close(): Promise<void>;
}

export async function serveContentPages(): Promise<ContentPageServer> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const variant: PageVariant = url.pathname === '/changed' ? 'changed' : 'baseline';
    const height = Number(url.searchParams.get('height') ?? '1080');
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(contentPageHtml(variant, height));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (variant, heightPx) => `http://127.0.0.1:${port}/${variant}?height=${heightPx}`,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  };
}
