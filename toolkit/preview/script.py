"""The preview page's inline style and script (``page`` puts them in the one HTML file).

The script reads the embedded JSON (``PreviewData.to_json``) and draws the gallery of the picked
(product, channel, locale) from the precomputed answers: it resolves nothing itself, so the page
can only show what ``omm resolve`` shows. Every text goes through ``textContent`` or
``setAttribute``, never ``innerHTML``. The selection is kept in the URL's fragment
(``#product=93039-001&channel=OUN00001&locale=en-us``), so a link or a screenshot can open on it.
"""

CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#fff;border-bottom:1px solid #d0d7de;padding:.8rem 1.5rem}
header h1{font-size:1.25rem;margin:0}header h1 small{color:#57606a;font-weight:normal;margin-left:.4rem}
header p{margin:.2rem 0 0;color:#57606a}
main{display:grid;grid-template-columns:20rem 1fr;gap:1.2rem;padding:1.2rem 1.5rem}
aside,section.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:.8rem 1rem}
h2{font-size:.95rem;margin:0 0 .5rem}
label{display:block;margin:.45rem 0 .1rem;font-weight:600;font-size:.85rem}
select{width:100%;padding:.25rem;font:inherit}
.swatches{display:flex;flex-wrap:wrap;gap:.35rem;margin-top:.35rem}
.swatch{display:flex;align-items:center;gap:.3rem;border:1px solid #d0d7de;border-radius:14px;background:#fff;
padding:2px 8px 2px 2px;font:inherit;font-size:.8rem;cursor:pointer}
.swatch.selected{border-color:#0969da;box-shadow:0 0 0 1px #0969da}
.chip{width:22px;height:22px;border-radius:50%;border:1px solid #8c959f;display:inline-block;overflow:hidden}
.chip img{width:100%;height:100%;object-fit:cover;image-rendering:pixelated}
#why{margin-top:1rem;font-size:.85rem}#why code{font-size:.8rem;background:#f6f8fa;padding:0 3px;border-radius:3px}
#why .none{color:#cf222e}
.stage{display:grid;gap:1rem;align-content:start}
#hero{margin:0;display:flex;gap:1rem;align-items:flex-start}
#hero .frame{width:360px;height:270px;display:flex;align-items:center;justify-content:center;background:#f6f8fa;
border-radius:6px;overflow:hidden}
#hero img{max-width:100%;max-height:100%;width:360px;height:270px;object-fit:contain;image-rendering:pixelated}
#hero figcaption{font-size:.85rem;color:#57606a;max-width:20rem}
ol.tiles{list-style:none;display:flex;flex-wrap:wrap;gap:.7rem;padding:0;margin:0 0 .6rem}
li.tile{width:148px;border:1px solid #d0d7de;border-radius:6px;background:#fff;cursor:pointer;position:relative;
font-size:.75rem}
li.tile.shown{outline:2px solid #0969da}
li.tile.default{border-color:#1a7f37;box-shadow:0 0 0 1px #1a7f37}
li.tile .pic{height:100px;display:flex;align-items:center;justify-content:center;background:#f6f8fa;
border-radius:6px 6px 0 0;overflow:hidden}
li.tile img{width:100%;height:100%;object-fit:contain;image-rendering:pixelated}
li.tile .meta{padding:.3rem .4rem;overflow-wrap:anywhere}
.badge{position:absolute;top:4px;left:4px;background:#1a7f37;color:#fff;border-radius:8px;padding:0 6px;
font-size:.7rem;font-weight:600}
.badge.draft{left:auto;right:4px;background:#9a6700}
.placeholder{display:flex;flex-direction:column;align-items:center;justify-content:center;text-align:center;
padding:.3rem;color:#57606a;font-size:.7rem;overflow-wrap:anywhere;height:100%;width:100%;
background:repeating-linear-gradient(45deg,#f6f8fa,#f6f8fa 8px,#eaeef2 8px,#eaeef2 16px)}
.placeholder .kind{font-weight:700;font-size:.8rem;color:#1f2328}
.empty{color:#57606a;font-style:italic}
"""

SCRIPT = r"""
'use strict';
(function () {
const D = JSON.parse(document.getElementById('omm-data').textContent);
const NEUTRAL = 'system_neutral';
const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, v);
  for (const k of kids) if (k !== null && k !== undefined && k !== false) e.append(k);
  return e;
}
const byProduct = new Map(D.variants.map((v) => [v.product, v]));
const channelLabel = (c) => (c === '' ? 'Omnichannel' : c);
const localeLabel = (l) => (l === NEUTRAL ? 'Neutral' : l);
const place = (c, l) => channelLabel(c) + ' / ' + localeLabel(l);
const state = Object.assign({}, D.initial, {shown: null});

function fromHash() {
  const q = new URLSearchParams(location.hash.slice(1));
  if (q.has('product') && (q.get('product') === D.product || byProduct.has(q.get('product')))) state.product = q.get('product');
  const ch = D.channels.find((c) => c.id === q.get('channel'));
  if (ch) state.channel = ch.id;
  if (q.has('locale')) state.locale = q.get('locale');
}

function pickDimension(dim, value) {
  if (value === '') { state.product = D.product; return; }
  const cur = byProduct.get(state.product);
  const want = Object.assign({}, cur ? cur.dims : {}, {[dim]: value});
  const exact = D.variants.find((v) => Object.entries(want).every(([k, x]) => v.dims[k] === x));
  const some = exact || D.variants.find((v) => v.dims[dim] === value);
  if (some) state.product = some.product;
}

function syncPickers() {
  const cur = byProduct.get(state.product);
  $('variant').value = state.product;
  for (const d of D.dimensions) $('dim-' + d.name).value = cur && cur.dims[d.name] ? cur.dims[d.name] : '';
  $('channel').value = state.channel;
  const ch = D.channels.find((c) => c.id === state.channel);
  if (!ch.locales.includes(state.locale)) state.locale = NEUTRAL;
  $('locale').replaceChildren(...ch.locales.map((l) => el('option', {value: l}, localeLabel(l))));
  $('locale').value = state.locale;
}

function level(product, type) {
  const variant = product !== D.product;
  if (type === 'Product|Variant') return 'its own variant set';
  if (type === 'Product|DimensionMatrix') return 'the set of its dimension-matrix cell';
  return variant ? 'the set of its master' : 'its own set';
}

function drawWhy(g) {
  const why = $('why');
  for (const k of ['entity-type', 'entity-key', 'channel', 'locale', 'version']) why.removeAttribute('data-' + k);
  const here = el('strong', {}, state.product);
  if (!g) {
    why.replaceChildren(el('h2', {}, 'Why these images'),
      el('p', {class: 'none'}, here, ' in ' + place(state.channel, state.locale) +
        ': no set on any rung of the ladder, so nothing is shown here.'));
    return;
  }
  const s = g.source;
  why.setAttribute('data-entity-type', s.EntityType);
  why.setAttribute('data-entity-key', s.EntityKeyValue);
  why.setAttribute('data-channel', s.EntityChannel);
  why.setAttribute('data-locale', s.EntityLocale);
  why.setAttribute('data-version', s.version === null ? '' : s.version);
  const exact = s.EntityChannel === state.channel && s.EntityLocale === state.locale;
  why.replaceChildren(el('h2', {}, 'Why these images'),
    el('p', {}, here, ' in ' + place(state.channel, state.locale) + ' shows ' + level(state.product, s.EntityType) + ': ',
      el('code', {}, s.EntityType), ' ', el('code', {}, s.EntityKeyValue), ' for ',
      el('code', {}, place(s.EntityChannel, s.EntityLocale)),
      s.version === null ? '' : ', version ' + s.version, '.'),
    el('p', {}, exact ? 'A set made for exactly this channel and locale.'
      : 'Inherited: no set on a more specific rung (entity first — variant, dimension-matrix cell, master — then '
        + 'channel/locale: (channel, locale) → (channel, Neutral) → (Omnichannel, locale) → (Omnichannel, Neutral)). '
        + 'The first set found wins whole.'));
}

function picture(item, m, cls) {
  if (m && m.src) return el('img', {src: m.src, alt: item.alt || '', class: cls});
  return el('div', {class: 'placeholder'}, el('span', {class: 'kind'}, item.MediaType || 'Media'),
    el('code', {}, item.InternalMediaId), el('span', {}, m ? (m.note || '') : 'unknown media'));
}

function drawHero(g) {
  const hero = $('hero');
  const item = g && (g.items.find((i) => i.InternalMediaId === state.shown) || g.items.find((i) => i.default) || g.items[0]);
  if (!item) { hero.replaceChildren(el('div', {class: 'frame'}, el('span', {class: 'empty'}, 'no image'))); hero.removeAttribute('data-media-id'); return; }
  const m = D.media[item.media];
  hero.setAttribute('data-media-id', item.InternalMediaId);
  hero.replaceChildren(el('div', {class: 'frame'}, picture(item, m, null)),
    el('figcaption', {}, el('div', {}, el('strong', {}, (m && m.name) || item.InternalMediaId)),
      el('div', {}, item.default ? 'Default image (first Primary image by display order)' : item.MediaGroup + ' #' + item.MediaDisplayOrder),
      el('div', {}, 'Alt text: ' + (item.alt || '(none)')), el('div', {}, el('code', {}, item.InternalMediaId))));
}

function tile(item) {
  const m = D.media[item.media];
  const li = el('li', {class: 'tile' + (item.default ? ' default' : '') + (item.InternalMediaId === state.shown ? ' shown' : ''),
    'data-media-id': item.InternalMediaId, 'data-group': item.MediaGroup,
    'data-order': item.MediaDisplayOrder === null ? '' : String(item.MediaDisplayOrder),
    'data-type': item.MediaType || '', 'data-purpose': item.MediaPurpose || '', 'data-default': String(item.default),
    title: item.alt || (m && m.name) || item.InternalMediaId},
    item.default ? el('span', {class: 'badge'}, 'default') : null,
    m && m.unpublished ? el('span', {class: 'badge draft'}, 'unpublished') : null,
    el('div', {class: 'pic'}, picture(item, m, null)),
    el('div', {class: 'meta'}, el('div', {}, el('strong', {}, item.MediaGroup + ' ' + (item.MediaDisplayOrder ?? ''))),
      el('div', {}, (m && m.name) || ''), item.MediaPurpose ? el('div', {}, 'Purpose: ' + item.MediaPurpose) : null));
  li.addEventListener('click', () => { state.shown = item.InternalMediaId; draw(); });
  return li;
}

function drawGallery(g) {
  const box = $('gallery');
  const parts = [el('h2', {}, 'Gallery')];
  if (!g || g.items.length === 0) parts.push(el('p', {class: 'empty'}, 'Nothing is shown here.'));
  else for (const group of [...new Set(g.items.map((i) => i.MediaGroup))]) {
    parts.push(el('h2', {}, group), el('ol', {class: 'tiles', 'data-group': group},
      ...g.items.filter((i) => i.MediaGroup === group).map(tile)));
  }
  box.replaceChildren(...parts);
}

function drawSwatches() {
  const ids = ((D.swatch_answers[state.channel] || {})[state.locale]) || [];
  const cur = byProduct.get(state.product);
  const box = $('swatches');
  box.replaceChildren();
  box.hidden = ids.length === 0;
  if (ids.length === 0) return;
  box.append(el('label', {}, 'Swatches'));
  const list = el('div', {class: 'swatches'});
  const rank = (s) => {
    const d = D.dimensions.findIndex((x) => x.name === s.dimension);
    const v = d < 0 ? -1 : D.dimensions[d].values.indexOf(s.value);
    return [d < 0 ? D.dimensions.length : d, v < 0 ? Infinity : v];
  };
  const shown = ids.map((i) => D.swatches[i]).sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || (a.dimension + a.value < b.dimension + b.value ? -1 : 1);
  });
  for (const s of shown) {
    const m = s.media ? D.media[s.media] : null;
    const chip = el('span', {class: 'chip'}, m && m.src ? el('img', {src: m.src, alt: ''}) : null);
    if (s.hex) chip.style.background = s.hex;
    const b = el('button', {type: 'button', class: 'swatch' + (cur && cur.dims[s.dimension] === s.value ? ' selected' : ''),
      'data-dimension': s.dimension, 'data-value': s.value, 'data-swatch': s.hex || s.media || '',
      title: s.dimension + ': ' + s.value + (s.hex ? ' (' + s.hex + ')' : s.media ? ' (image)' : '')},
      chip, s.dimension + ' ' + s.value);
    b.addEventListener('click', () => { pickDimension(s.dimension, s.value); state.shown = null; draw(); });
    list.append(b);
  }
  box.append(list);
}

function draw() {
  syncPickers();
  const found = ((D.answers[state.product] || {})[state.channel] || {})[state.locale];
  const g = found === null || found === undefined ? null : D.galleries[found];
  $('preview').setAttribute('data-product', state.product);
  $('preview').setAttribute('data-channel', state.channel);
  $('preview').setAttribute('data-locale', state.locale);
  drawWhy(g); drawHero(g); drawGallery(g); drawSwatches();
  const q = new URLSearchParams({product: state.product, channel: state.channel, locale: state.locale});
  try { if (location.hash.slice(1) !== q.toString()) location.replace('#' + q.toString()); } catch (e) { /* file: quirks */ }
}

function changed(fn) { return (ev) => { fn(ev.target.value); state.shown = null; draw(); }; }
$('variant').addEventListener('change', changed((v) => { state.product = v; }));
for (const d of D.dimensions) $('dim-' + d.name).addEventListener('change', changed((v) => pickDimension(d.name, v)));
$('channel').addEventListener('change', changed((v) => { state.channel = v; }));
$('locale').addEventListener('change', changed((v) => { state.locale = v; }));
fromHash();
draw();
document.body.setAttribute('data-ready', 'true');
})();
"""
