// <dateline-search>: a drop-in search box for a dateline news archive — suggestions as you type, results
// with a timeline, places and languages — in English or French. No dependencies.
// Usage: <script src="https://search.example/widget.js" defer></script>
//        <dateline-search endpoint="https://search.example" lang="fr"></dateline-search>
(() => {
  'use strict';
  if (window.customElements === undefined || customElements.get('dateline-search')) return;

  const SCRIPT_ORIGIN = (() => {
    try { return new URL(document.currentScript.src).origin; } catch (e) { return location.origin; }
  })();

  const TEXT = {
    en: {
      label: 'Search the archive', placeholder: 'Search news…', search: 'Search', close: 'Close results',
      suggestions: n => n === 0 ? 'No suggestions' : n + (n === 1 ? ' suggestion' : ' suggestions') + '; use up and down arrows',
      results: (n, exact) => (exact ? '' : 'about ') + n.toLocaleString('en') + (n === 1 ? ' result' : ' results'),
      alsoSearched: langs => 'Also searched in ' + langs + ': ',
      none: 'No article matches this search.', didYouMean: 'Did you mean', relaxed: 'No article has every word; showing those that match best.', partial: 'Articles missing a word', everyWord: 'with every word',
      timeline: 'Timeline', places: 'Places', languages: 'Language', allYears: 'All years', only: y => 'Only ' + y,
      remove: 'Remove filter', prev: 'Previous', next: 'Next', page: (p, n) => 'Page ' + p + ' of ' + n,
      loading: 'Searching…', error: 'Search failed: ', undated: 'undated', en: 'English', fr: 'French',
      similar: n => n + (n === 1 ? ' similar' : ' similar'),
      months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
    },
    fr: {
      label: 'Rechercher dans les archives', placeholder: 'Rechercher…', search: 'Rechercher', close: 'Fermer les résultats',
      suggestions: n => n === 0 ? 'Aucune suggestion' : n + (n === 1 ? ' suggestion' : ' suggestions') + ' ; flèches haut et bas pour choisir',
      results: (n, exact) => (exact ? '' : 'environ ') + n.toLocaleString('fr') + (n === 1 ? ' résultat' : ' résultats'),
      alsoSearched: langs => 'Aussi recherché en ' + langs + ' : ',
      none: 'Aucun article ne correspond à cette recherche.', didYouMean: 'Essayez avec',
      relaxed: 'Aucun article ne contient tous les mots ; voici ceux qui s’en approchent le plus.',
      partial: 'Articles où il manque un mot', everyWord: 'avec tous les mots',
      timeline: 'Chronologie', places: 'Lieux', languages: 'Langue', allYears: 'Toutes les années', only: y => 'Seulement ' + y,
      remove: 'Retirer le filtre', prev: 'Précédente', next: 'Suivante', page: (p, n) => 'Page ' + p + ' sur ' + n,
      loading: 'Recherche…', error: 'La recherche a échoué : ', undated: 'sans date', en: 'anglais', fr: 'français',
      similar: n => n + (n === 1 ? ' similaire' : ' similaires'),
      months: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
    },
  };

  const CSS = `
:host{display:inline-block;position:relative;font:inherit;color:#1d2330;--dl-accent:#1f5fbf;--dl-mark:#fff0a8;min-width:12rem}
*{box-sizing:border-box}
form{display:flex;width:100%}
input{flex:1;min-width:0;font:inherit;padding:.5rem .7rem;border:1px solid #9aa4b8;border-right:0;border-radius:.4rem 0 0 .4rem;background:#fff;color:inherit}
button{font:inherit;cursor:pointer}
.go{padding:.5rem .9rem;border:0;border-radius:0 .4rem .4rem 0;background:var(--dl-accent);color:#fff;font-weight:600}
:focus-visible{outline:3px solid #f0a500;outline-offset:1px}
[hidden]{display:none!important}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.list{position:absolute;z-index:1001;left:0;right:0;top:100%;margin:.2rem 0 0;padding:.25rem 0;list-style:none;background:#fff;border:1px solid #c8cfdb;border-radius:.4rem;box-shadow:0 6px 20px rgba(0,0,0,.15)}
.opt{padding:.45rem .75rem;cursor:pointer;display:flex;justify-content:space-between;gap:1rem}
.opt[aria-selected=true],.opt:hover{background:#e4edfb}
.opt small{color:#5b6475}
.panel{position:absolute;z-index:1000;right:0;top:calc(100% + .3rem);width:min(44rem,calc(100vw - 1rem));max-height:78vh;overflow:auto;background:#f6f7f9;border:1px solid #c8cfdb;border-radius:.6rem;box-shadow:0 10px 30px rgba(0,0,0,.18);padding:.75rem;text-align:left;line-height:1.45}
@media (max-width:40rem){.panel{position:fixed;left:.5rem;right:.5rem;width:auto;top:var(--dl-top,4rem);max-height:calc(100vh - var(--dl-top,4rem) - .5rem)}}
.head{display:flex;justify-content:space-between;align-items:center;gap:.5rem;margin-bottom:.4rem}
.count{color:#5b6475;margin:0}
.x{border:0;background:none;font-size:1.4rem;line-height:1;padding:.1rem .4rem;border-radius:.3rem;color:#5b6475}
.x:hover{background:#e4e7ec}
.note{margin:.2rem 0 .5rem}.note.dim{color:#5b6475;font-style:italic}
.partial{margin:.8rem 0 .3rem;padding-top:.4rem;border-top:1px solid #d9dde5;font-weight:600;color:#5b6475}
.link{border:0;background:none;color:var(--dl-accent);text-decoration:underline;padding:0}
.chips{display:flex;flex-wrap:wrap;gap:.35rem;margin:0 0 .5rem;padding:0;list-style:none}
.chip{display:inline-flex;gap:.35rem;align-items:center;border:1px solid #c4d5f3;background:#e4edfb;color:var(--dl-accent);border-radius:1rem;padding:.15rem .6rem;font-size:.9rem}
.grid{display:grid;gap:.75rem;grid-template-columns:minmax(0,1fr)}
@media (min-width:34rem){.grid{grid-template-columns:minmax(0,1fr) 13rem}}
.side{display:flex;flex-direction:column;gap:.6rem}
.box{background:#fff;border:1px solid #d9dde5;border-radius:.5rem;padding:.5rem .75rem}
h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#5b6475;margin:.1rem 0 .4rem}
.bars{display:flex;align-items:flex-end;gap:2px;height:5.5rem;border-bottom:1px solid #d9dde5}
.bar{flex:1;min-width:0;border:0;padding:0;background:#8fb1e6;border-radius:2px 2px 0 0;min-height:2px}
.bar:hover,.bar:focus-visible,.bar.on{background:var(--dl-accent)}
.bar:disabled{background:#d9dde5;cursor:default}
.ticks{display:flex;gap:2px;font-size:.65rem;color:#5b6475}.ticks span{flex:1;min-width:0;text-align:center;overflow:hidden}
.periods{margin:.5rem 0 0;font-size:.75rem;display:grid;grid-template-columns:auto 1fr;gap:.15rem .5rem}.periods dt{font-weight:600}.periods dd{margin:0;color:#2b3240}
.tl-nav{display:flex;justify-content:space-between;gap:.5rem;font-size:.85rem;margin-bottom:.25rem}
.facet{list-style:none;margin:0;padding:0}
.facet button{display:flex;justify-content:space-between;width:100%;gap:.5rem;border:0;background:none;padding:.25rem .35rem;border-radius:.3rem;text-align:left;color:inherit}
.facet button:hover{background:#e4edfb}.facet button[aria-pressed=true]{background:var(--dl-accent);color:#fff}
.facet small{color:inherit;opacity:.7}
.hits{list-style:none;margin:0;padding:0}
.hit{background:#fff;border:1px solid #d9dde5;border-radius:.5rem;padding:.6rem .8rem;margin-bottom:.6rem}
.hit a{font-weight:600;font-size:1.05rem;color:var(--dl-accent);text-decoration:none}.hit a:hover{text-decoration:underline}
.meta{color:#5b6475;font-size:.8rem;margin:.1rem 0 .25rem}
.snip{margin:0;overflow-wrap:anywhere}
mark{background:var(--dl-mark);color:inherit;border-radius:.15em;padding:0 .1em}
.pager{display:flex;justify-content:space-between;align-items:center;gap:.5rem;margin-top:.25rem}
.pager button{border:1px solid #d9dde5;background:#fff;border-radius:.4rem;padding:.35rem .7rem}
.pager button:disabled{opacity:.4;cursor:default}
.err{background:#fdecea;border:1px solid #f2b8b2;border-radius:.4rem;padding:.5rem .75rem}
@media (max-width:34rem){.side{order:-1;gap:.4rem}.box{padding:.4rem .6rem}.bars{height:3rem}.facet{display:flex;gap:.3rem;overflow-x:auto;padding-bottom:.2rem}.facet button{width:auto;white-space:nowrap;border:1px solid #d9dde5;background:#fff;border-radius:1rem;padding:.15rem .6rem}}
`;

  let sharedSheet = null;
  let instances = 0;

  /** Creates an element: h('li', {class: 'x', onclick: f}, child, 'text'). */
  function h(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
    return e;
  }

  const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  function decode(text) {
    return text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, r) => {
      if (r[0] === '#') {
        const code = r[1] === 'x' || r[1] === 'X' ? parseInt(r.slice(2), 16) : parseInt(r.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[r] !== undefined ? ENTITIES[r] : m;
    });
  }

  /** A snippet (escaped HTML with <mark> highlights) as DOM nodes, never through innerHTML. */
  function snippetNodes(html) {
    const out = document.createDocumentFragment();
    let marked = false;
    for (const part of String(html).split(/(<\/?mark>)/)) {
      if (part === '<mark>') marked = true;
      else if (part === '</mark>') marked = false;
      else if (part) out.append(marked ? h('mark', null, decode(part)) : document.createTextNode(decode(part)));
    }
    return out;
  }

  function formatDate(iso, lang) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    if (!m) return iso || '';
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  }

  class DatelineSearch extends HTMLElement {
    static get observedAttributes() { return ['lang', 'placeholder']; }

    constructor() {
      super();
      this.uid = 'dls' + (++instances);
      this.state = { q: '', from: '', to: '', place: '', lang: '', source: '', page: 1, drill: '', size: 10 };
      this.suggestions = [];
      this.active = -1;
      this.seq = 0;
      this.timer = 0;
      this.response = null;
      this.months = null;
      this.root = this.attachShadow({ mode: 'open' });
    }

    get endpoint() { return (this.getAttribute('endpoint') || SCRIPT_ORIGIN).replace(/\/+$/, ''); }
    get uiLang() {
      const l = (this.getAttribute('lang') || document.documentElement.lang || 'en').slice(0, 2).toLowerCase();
      return l === 'fr' ? 'fr' : 'en';
    }
    get t() { return TEXT[this.uiLang]; }

    connectedCallback() {
      if (this.input) return;
      if ('adoptedStyleSheets' in Document.prototype && 'replaceSync' in CSSStyleSheet.prototype) {
        // A constructed sheet is shared by every instance and is not blocked by a page's style-src CSP.
        if (!sharedSheet) { sharedSheet = new CSSStyleSheet(); sharedSheet.replaceSync(CSS); }
        this.root.adoptedStyleSheets = [sharedSheet];
      } else {
        this.root.append(h('style', null, CSS));
      }
      this.build();
      this.onOutside = e => { if (!e.composedPath().includes(this)) { this.closeList(); this.closePanel(); } };
      document.addEventListener('pointerdown', this.onOutside);
    }

    disconnectedCallback() { document.removeEventListener('pointerdown', this.onOutside); }

    attributeChangedCallback() { if (this.input) { this.root.replaceChildren(...[...this.root.childNodes].filter(n => n.nodeName === 'STYLE')); this.input = null; this.build(); } }

    build() {
      const t = this.t;
      const id = this.uid;
      this.input = h('input', {
        id: id + '-q', type: 'search', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
        'aria-controls': id + '-list', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search',
        placeholder: this.getAttribute('placeholder') || t.placeholder, maxlength: 1000,
        oninput: () => this.onInput(), onkeydown: e => this.onKey(e), onblur: () => setTimeout(() => this.closeList(), 150),
      });
      this.list = h('ul', { id: id + '-list', role: 'listbox', class: 'list', 'aria-label': t.label, hidden: true });
      this.status = h('div', { class: 'sr', role: 'status', 'aria-live': 'polite' });
      this.panel = h('section', { class: 'panel', 'aria-label': t.label, hidden: true, tabindex: '-1', onkeydown: e => { if (e.key === 'Escape') { this.closePanel(); this.input.focus(); } } });
      const form = h('form', { role: 'search', onsubmit: e => { e.preventDefault(); this.submit(); } },
        h('label', { for: id + '-q', class: 'sr' }, t.label), this.input,
        h('button', { class: 'go', type: 'submit' }, t.search));
      this.root.append(form, this.list, this.status, this.panel);
    }

    // ---- suggestions (ARIA combobox with a listbox popup)

    onInput() {
      clearTimeout(this.timer);
      const q = this.input.value;
      if (!q.trim()) { this.showSuggestions([]); return; }
      // Debounced: one request when the typing pauses, not one per key.
      this.timer = setTimeout(() => this.fetchSuggestions(q), 150);
    }

    async fetchSuggestions(q) {
      const seq = ++this.seq;
      try {
        const data = await this.get('/api/suggest', { q, size: 8, ui: this.uiLang });
        // A name can come back as a place and as a title word: show it once.
        const seen = new Set();
        const unique = (data.completions || []).filter(c => !seen.has(c.text.toLowerCase()) && seen.add(c.text.toLowerCase()));
        if (seq === this.seq && this.input.value === q) this.showSuggestions(unique);
      } catch (e) { if (seq === this.seq) this.showSuggestions([]); }
    }

    showSuggestions(items) {
      this.suggestions = items;
      this.active = -1;
      this.list.replaceChildren(...items.map((s, i) => h('li', {
        id: this.uid + '-opt' + i, role: 'option', class: 'opt', 'aria-selected': 'false',
        onpointerdown: e => { e.preventDefault(); this.choose(i); },
      }, h('span', null, s.text), h('small', { 'aria-hidden': 'true' }, s.count))));
      const open = items.length > 0 && document.activeElement === this && this.root.activeElement === this.input;
      this.list.hidden = !open;
      this.input.setAttribute('aria-expanded', String(open));
      this.input.removeAttribute('aria-activedescendant');
      if (open) this.status.textContent = this.t.suggestions(items.length);
    }

    setActive(i) {
      const n = this.suggestions.length;
      if (!n) return;
      this.active = i < -1 ? n - 1 : i >= n ? -1 : i;
      [...this.list.children].forEach((li, k) => li.setAttribute('aria-selected', String(k === this.active)));
      if (this.active >= 0) {
        this.input.setAttribute('aria-activedescendant', this.uid + '-opt' + this.active);
        this.list.children[this.active].scrollIntoView({ block: 'nearest' });
      } else {
        this.input.removeAttribute('aria-activedescendant');
      }
    }

    openList() {
      if (!this.suggestions.length) return;
      this.list.hidden = false;
      this.input.setAttribute('aria-expanded', 'true');
    }

    closeList() {
      this.list.hidden = true;
      this.active = -1;
      this.input.setAttribute('aria-expanded', 'false');
      this.input.removeAttribute('aria-activedescendant');
    }

    choose(i) {
      const s = this.suggestions[i];
      if (!s) return;
      this.input.value = s.text;
      this.closeList();
      this.submit();
    }

    onKey(e) {
      const open = !this.list.hidden;
      switch (e.key) {
        case 'ArrowDown':
          e.preventDefault();
          if (!open) { this.openList(); this.setActive(0); } else this.setActive(this.active + 1);
          break;
        case 'ArrowUp':
          e.preventDefault();
          if (!open) { this.openList(); this.setActive(this.suggestions.length - 1); } else this.setActive(this.active - 1);
          break;
        case 'Enter':
          if (open && this.active >= 0) { e.preventDefault(); this.choose(this.active); }
          break;
        case 'Escape':
          e.preventDefault();
          if (open) this.closeList();
          else if (!this.panel.hidden) this.closePanel();
          else this.input.value = '';
          break;
        case 'Tab':
          this.closeList();
          break;
      }
    }

    // ---- search and results panel

    submit() {
      clearTimeout(this.timer);
      this.seq++;
      this.closeList();
      Object.assign(this.state, { q: this.input.value.trim(), page: 1, drill: '' });
      this.search();
    }

    update(changes) {
      Object.assign(this.state, { page: 1 }, changes);
      this.search();
    }

    async search() {
      const s = this.state;
      const seq = ++this.seq;
      this.openPanel();
      this.status.textContent = this.t.loading;
      try {
        // drill=YYYY makes the facets count the months of that year too.
        const data = await this.get('/api/search', { q: s.q, from: s.from, to: s.to, place: s.place, lang: s.lang, source: s.source,
          page: s.page, size: s.size, drill: s.drill, terms: 1, ui: this.uiLang });
        if (seq !== this.seq) return;
        this.response = data;
        this.months = s.drill ? ((data.facets && data.facets.months) || []) : null;
        this.render();
        this.status.textContent = this.t.results(data.total || 0, data.total_exact !== false);
        this.dispatchEvent(new CustomEvent('dateline-results', { detail: data }));
      } catch (e) {
        if (seq !== this.seq) return;
        this.panel.replaceChildren(this.header(''), h('p', { class: 'err', role: 'alert' }, this.t.error + e.message));
      }
    }

    async get(path, params) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null) qs.set(k, v);
      const res = await fetch(this.endpoint + path + '?' + qs, { headers: { Accept: 'application/json' } });
      const data = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error((data.error && data.error.message) || res.status + ' ' + res.statusText);
      return data;
    }

    openPanel() {
      if (this.panel.hidden) {
        const r = this.input.getBoundingClientRect();
        this.style.setProperty('--dl-top', Math.round(r.bottom + 6) + 'px');
        this.panel.hidden = false;
      }
    }

    closePanel() { this.panel.hidden = true; }

    header(text) {
      return h('div', { class: 'head' }, h('p', { class: 'count' }, text),
        h('button', { class: 'x', type: 'button', 'aria-label': this.t.close, title: this.t.close, onclick: () => { this.closePanel(); this.input.focus(); } }, '×'));
    }

    render() {
      const t = this.t;
      const r = this.response;
      const s = this.state;
      const total = r.total || 0;
      const count = total ? t.results(total, r.total_exact !== false) + (r.partial_from ? ' ' + t.everyWord : '') : t.none;
      const parts = [this.header(count)];
      const chips = this.chips();
      if (chips) parts.push(chips);
      const correction = r.did_you_mean;
      if (correction && correction !== s.q) {
        parts.push(h('p', { class: 'note' }, t.didYouMean + ' ',
          h('button', { class: 'link', type: 'button', onclick: () => { this.input.value = correction; this.submit(); } }, correction), ' ?'));
      }
      // The translations searched besides the words: "Also searched in French: chômage, séisme".
      // (JSON objects have no order: the words in the order of the query.)
      const at = w => (s.q || '').toLowerCase().indexOf(w.toLowerCase());
      const translated = Object.entries(r.translations || {}).sort((a, b) => at(a[0]) - at(b[0])).flatMap(e => e[1]);
      if (translated.length) {
        const langs = (r.translated_into || []).map(l => t[l] || l).join(', ');
        parts.push(h('p', { class: 'note dim translations' }, t.alsoSearched(langs), translated.join(', ')));
      }
      if (r.relaxed) parts.push(h('p', { class: 'note dim' }, t.relaxed));
      const side = h('div', { class: 'side' });
      const facets = r.facets || {};
      const timeline = this.timeline(facets.years || []);
      if (timeline) side.append(timeline);
      const places = this.facetList(t.places, facets.places, 'place');
      if (places) side.append(places);
      const langs = this.facetList(t.languages, facets.languages, 'lang', v => t[v] || v);
      if (langs) side.append(langs);
      // The articles missing a word follow the head under their own heading, in a list of their own.
      const results = r.results || [];
      const cut = r.partial_from ? results.findIndex(hit => hit.rank === r.partial_from) : -1;
      const lists = [];
      const head = cut < 0 ? results : results.slice(0, cut);
      if (head.length) lists.push(h('ol', { class: 'hits', start: String(head[0].rank) }, ...head.map(hit => this.hit(hit))));
      if (cut >= 0) {
        lists.push(h('p', { class: 'partial' }, t.partial));
        lists.push(h('ol', { class: 'hits', start: String(results[cut].rank) }, ...results.slice(cut).map(hit => this.hit(hit))));
      }
      const main = h('div', null, ...lists, this.pager(total));
      parts.push(h('div', { class: 'grid' }, main, side));
      this.panel.replaceChildren(...parts);
    }

    chips() {
      const t = this.t;
      const s = this.state;
      const items = [];
      const labels = {};
      for (const p of ((this.response.facets || {}).places || [])) labels[p.value] = p.label || p.value;
      if (s.from || s.to) items.push([s.from === s.to ? s.from : (s.from || '…') + ' – ' + (s.to || '…'), { from: '', to: '' }]);
      if (s.place) items.push([labels[s.place] || s.place, { place: '' }]);
      if (s.lang) items.push([t[s.lang] || s.lang, { lang: '' }]);
      if (s.source) items.push([s.source, { source: '' }]);
      if (!items.length) return null;
      return h('ul', { class: 'chips' }, ...items.map(([label, change]) => h('li', null,
        h('button', { class: 'chip', type: 'button', 'aria-label': t.remove + ': ' + label, onclick: () => this.update(change) }, label, h('span', { 'aria-hidden': 'true' }, '×')))));
    }

    timeline(years) {
      const t = this.t;
      const s = this.state;
      let bars;
      const nav = h('div', { class: 'tl-nav' });
      if (s.drill && this.months) {
        const counts = {};
        for (const m of this.months) counts[m.value] = m.count;
        bars = t.months.map((name, i) => {
          const ym = s.drill + '-' + String(i + 1).padStart(2, '0');
          return { label: name + ' ' + s.drill, tick: name[0].toUpperCase(), count: counts[ym] || 0, on: s.from === ym && s.to === ym, pick: () => this.update({ from: ym, to: ym }) };
        });
        nav.append(h('button', { class: 'link', type: 'button', onclick: () => { this.state.drill = ''; this.search(); } }, '← ' + t.allYears),
          h('button', { class: 'link', type: 'button', onclick: () => this.update({ from: s.drill, to: s.drill }) }, t.only(s.drill)));
      } else {
        if (!years.length) return null;
        const counts = {};
        for (const y of years) counts[y.value] = y.count;
        const first = +years[0].value;
        const last = +years[years.length - 1].value;
        bars = [];
        for (let y = Math.max(first, last - 59); y <= last; y++) {
          const year = String(y);
          bars.push({ label: year, tick: last - first >= 5 ? "'" + year.slice(2) : year, count: counts[year] || 0,
            on: s.from && s.to && s.from.slice(0, 4) <= year && s.to.slice(0, 4) >= year,
            pick: () => { this.state.drill = year; this.search(); } });
        }
      }
      const max = Math.max(1, ...bars.map(b => b.count));
      const every = bars.length <= 12 ? 1 : Math.ceil(bars.length / 6);
      const barRow = h('div', { class: 'bars', role: 'group', 'aria-label': t.timeline });
      const tickRow = h('div', { class: 'ticks', 'aria-hidden': 'true' });
      bars.forEach((b, i) => {
        // A bar counts what choosing it lists: results, a group of near-duplicates once.
        const label = b.label + ': ' + t.results(b.count, true);
        const bar = h('button', { type: 'button', class: 'bar' + (b.on ? ' on' : ''), title: label, 'aria-label': label, disabled: b.count === 0, onclick: b.pick });
        bar.style.height = (b.count ? Math.max(3, Math.round(100 * b.count / max)) : 2) + '%';
        barRow.append(bar);
        tickRow.append(h('span', null, i % every === 0 ? b.tick : ''));
      });
      // The words that characterise each period (facets.years[].terms, or the drilled year's months).
      const periods = h('dl', { class: 'periods' });
      for (const p of (s.drill && this.months ? this.months : years)) {
        if (!p.terms || !p.terms.length) continue;
        const words = p.terms.map(w => w.label ? w.word + ' (' + w.label + ')' : w.word).join(', ');
        periods.append(h('dt', null, p.value), h('dd', null, words));
      }
      return h('div', { class: 'box' }, h('h3', null, t.timeline), nav, barRow, tickRow, periods.childNodes.length ? periods : null);
    }

    facetList(title, values, field, label) {
      if (!values || !values.length) return null;
      const current = this.state[field];
      return h('div', { class: 'box facet-' + field }, h('h3', null, title), h('ul', { class: 'facet' }, ...values.slice(0, 10).map(v => h('li', null,
        h('button', { type: 'button', 'aria-pressed': String(current === v.value), onclick: () => this.update({ [field]: current === v.value ? '' : v.value }) },
          h('span', null, label ? label(v.value) : (v.label || v.value)), h('small', null, v.count))))));
    }

    hit(hit) {
      const t = this.t;
      const href = /^https?:\/\//i.test(hit.url || '') ? hit.url : this.endpoint + '/article?id=' + encodeURIComponent(hit.id) + '&ui=' + this.uiLang;
      const meta = [hit.date ? formatDate(hit.date, this.uiLang) : t.undated, hit.source, (hit.lang || '').toUpperCase()].filter(Boolean).join(' · ');
      const similar = hit.similar;
      return h('li', { class: 'hit' },
        h('a', { href, lang: hit.lang || null }, hit.title_html ? snippetNodes(hit.title_html) : hit.title || hit.id),
        h('p', { class: 'meta' }, meta, similar ? ' · ' + t.similar(similar) : ''),
        h('p', { class: 'snip', lang: hit.lang || null }, hit.snippet_html ? snippetNodes(hit.snippet_html) : hit.extract || ''));
    }

    pager(total) {
      const t = this.t;
      const s = this.state;
      const pages = Math.ceil(total / s.size);
      if (pages <= 1) return '';
      const go = p => { this.state.page = p; this.search(); this.panel.scrollTop = 0; };
      return h('nav', { class: 'pager', 'aria-label': t.page(s.page, pages) },
        h('button', { type: 'button', disabled: s.page <= 1, onclick: () => go(s.page - 1) }, '← ' + t.prev),
        h('span', null, t.page(s.page, pages)),
        h('button', { type: 'button', disabled: s.page >= pages, onclick: () => go(s.page + 1) }, t.next + ' →'));
    }
  }

  customElements.define('dateline-search', DatelineSearch);
})();
