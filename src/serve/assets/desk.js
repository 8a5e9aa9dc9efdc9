// The desk page: sends the form to /api/check and draws one card per post as the NDJSON stream
// brings it. Everything a post holds is set as text (textContent), never as markup; links are
// made only from http(s) URLs. Without this script the form posts to /check and the server
// answers the HTML report.
'use strict';
(function () {
  const form = document.getElementById('check-form');
  const cards = document.getElementById('cards');
  const status = document.getElementById('status');
  const results = document.getElementById('results');
  const downloads = document.getElementById('downloads');
  const button = document.getElementById('check');
  const labels = {verified: 'Verified', altered: 'Altered', misattributed: 'Misattributed', missing: 'Missing',
                  unverifiable: 'Unverifiable'};
  let reasonWords = {};

  function headers(extra) {
    const h = Object.assign({}, extra);
    const token = document.getElementById('token').value;
    if (token) h.Authorization = 'Bearer ' + token;
    return h;
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function httpUrl(u) {
    try {
      const p = new URL(u, location.href);
      return (p.protocol === 'http:' || p.protocol === 'https:') ? p.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(parent, text, url) {
    const ok = httpUrl(url);
    if (!ok) return;
    if (parent.childNodes.length) parent.appendChild(document.createTextNode(' \u00b7 '));
    const a = el('a', {href: ok, rel: 'noopener noreferrer'}, text);
    parent.appendChild(a);
  }

  /// One side of the comparison: the words of the diff shown on that side, the rest kept.
  function side(post, article) {
    const box = el('div', {class: 'side ' + (article ? 'article' : 'original')});
    const diff = post.diff || [];
    if (!diff.length) {
      box.textContent = article ? (post.text || '(no text shown)')
                                : (post.original ? (post.original.display_text || post.original.text) : '(no source could show it)');
      return box;
    }
    let first = true;
    for (const d of diff) {
      const shown = d.op === 'same' || (article ? d.op === 'added' : d.op === 'removed');
      if (!shown) continue;
      if (!first && !d.joined) box.appendChild(document.createTextNode(' '));
      first = false;
      if (d.op === 'same') {
        box.appendChild(document.createTextNode(!article && d.original ? d.original : d.word));
      } else if (article) {
        box.appendChild(el('ins', {class: 'added', title: 'only in the article'}, d.word));
      } else {
        box.appendChild(el('del', {class: 'removed', title: 'only in the original'}, d.word));
      }
    }
    return box;
  }

  function card(post, n) {
    const c = el('article', {class: 'post ' + post.verdict, id: 'post-' + n, 'data-verdict': post.verdict,
                             'data-status-id': post.status_id || '', tabindex: '-1'});
    const h = el('h2');
    h.appendChild(el('span', {class: 'badge v-' + post.verdict}, labels[post.verdict] || post.verdict));
    h.appendChild(document.createTextNode(' ' + post.file + ':' + post.line + ':' + post.column));
    c.appendChild(h);
    const who = [post.display_name || '', post.handle ? '@' + post.handle : '', post.date_text || '',
                 post.status_id ? 'post ' + post.status_id : ''].filter(Boolean).join(' \u00b7 ');
    c.appendChild(el('p', {class: 'meta'}, who));
    if (post.reasons && post.reasons.length) {
      const ul = el('ul', {class: 'reasons'});
      for (const r of post.reasons) {
        const li = el('li', {}, (reasonWords[r] || r) + ' ');
        li.appendChild(el('code', {}, r));
        ul.appendChild(li);
      }
      c.appendChild(ul);
    } else {
      c.appendChild(el('p', {}, post.verdict === 'verified' ? 'The post reads as the original.' : ''));
    }
    if (post.text || post.original) {
      const cmp = el('div', {class: 'compare'});
      const a = el('div');
      a.appendChild(el('h3', {}, 'As the article shows it'));
      a.appendChild(side(post, true));
      const o = el('div');
      o.appendChild(el('h3', {}, 'The original' + (post.original ? ' (' + post.original.source + ')' : '')));
      o.appendChild(side(post, false));
      cmp.appendChild(a);
      cmp.appendChild(o);
      c.appendChild(cmp);
    }
    const links = el('p', {class: 'links'});
    link(links, 'Live post', post.status_url);
    if (post.original && /^https?:\/\/(web\.)?archive\.org\//.test(post.original.url || '')) {
      link(links, 'Archived copy', post.original.url);
    } else if (post.status_id && post.handle) {
      link(links, 'Archived copies', 'https://web.archive.org/web/*/twitter.com/' + encodeURIComponent(post.handle) +
                                         '/status/' + encodeURIComponent(post.status_id));
    }
    c.appendChild(links);
    for (const note of post.notes || []) c.appendChild(el('p', {class: 'meta'}, 'Note: ' + note));
    return c;
  }

  function showDownloads(id) {
    downloads.textContent = '';
    downloads.appendChild(document.createTextNode('This result: '));
    const share = el('a', {href: '/r/' + id, id: 'share-link'}, 'shareable link');
    downloads.appendChild(share);
    downloads.appendChild(document.createTextNode(' \u00b7 Download: '));
    for (const f of ['html', 'json', 'sarif', 'csv', 'markdown']) {
      downloads.appendChild(el('a', {href: '/api/check/' + id + '?format=' + f + '&download=1', download: '',
                                     'data-format': f}, f.toUpperCase()));
    }
    downloads.hidden = false;
  }

  function body() {
    const url = document.getElementById('url').value.trim();
    const content = document.getElementById('content').value;
    if (url) return {url: url};
    let format = document.getElementById('format').value;
    if (format === 'auto') format = /<[a-zA-Z!]/.test(content) ? 'html' : 'text';
    const b = {name: document.getElementById('name').value || 'pasted'};
    b[format] = content;
    return b;
  }

  async function check(ev) {
    ev.preventDefault();
    cards.textContent = '';
    downloads.hidden = true;
    status.className = 'meta';
    status.textContent = 'Checking\u2026';
    results.setAttribute('aria-busy', 'true');
    button.disabled = true;
    const token = document.getElementById('token').value;
    // The shared link (/r/ID) is opened by plain navigation: the token goes along as a cookie.
    if (token) document.cookie = 'tweetcheck_token=' + encodeURIComponent(token) + '; path=/; SameSite=Strict';
    let n = 0;
    let failed = '';
    try {
      const resp = await fetch('/api/check', {method: 'POST', body: JSON.stringify(body()),
        headers: headers({'Content-Type': 'application/json', Accept: 'application/x-ndjson'})});
      if (!resp.ok) {
        let msg = 'HTTP ' + resp.status;
        try { msg = (await resp.json()).error || msg; } catch (e) { /* not JSON */ }
        throw new Error(msg);
      }
      const id = resp.headers.get('Tweetcheck-Result-Id');
      const reader = resp.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (value) buf += decoder.decode(value, {stream: true});
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          const item = JSON.parse(line);
          if (item.error) {
            failed = item.error;
            continue;
          }
          cards.appendChild(card(item, ++n));
          status.textContent = n + (n === 1 ? ' post' : ' posts') + ' checked\u2026';
        }
        if (done) break;
      }
      if (failed) throw new Error(failed);
      status.textContent = n ? 'Done: ' + n + (n === 1 ? ' post' : ' posts') + ' checked.' : 'No embedded post found.';
      if (id) showDownloads(id);
    } catch (e) {
      status.className = 'error';
      status.textContent = 'Could not check: ' + e.message;
    } finally {
      results.setAttribute('aria-busy', 'false');
      button.disabled = false;
    }
  }

  // A file opened or dropped fills the box, its name and its format (by extension).
  const content = document.getElementById('content');
  function load(file) {
    if (!file) return;
    file.text().then(text => {
      content.value = text;
      document.getElementById('name').value = file.name;
      const format = /\.(md|markdown)$/i.test(file.name) ? 'markdown' : /\.html?$/i.test(file.name) ? 'html'
                   : /\.txt$/i.test(file.name) ? 'text' : 'auto';
      document.getElementById('format').value = format;
    });
  }
  document.getElementById('file-field').hidden = false;
  document.getElementById('file').addEventListener('change', ev => load(ev.target.files[0]));
  content.addEventListener('dragover', ev => ev.preventDefault());
  content.addEventListener('drop', ev => {
    if (!ev.dataTransfer.files.length) return;
    ev.preventDefault();
    load(ev.dataTransfer.files[0]);
  });

  fetch('/api/reasons', {headers: headers({})}).then(r => r.ok ? r.json() : {}).then(w => { reasonWords = w; },
                                                                                    () => {});
  form.addEventListener('submit', check);
})();
