/* SpawnAI web UI. Plain JS, no build step, no external resources.
 * Every piece of text that comes from the server is put in the page with
 * textContent (never innerHTML). */
'use strict';

(function () {
  var MAX_CHARS = 2000;
  var EXTEND_SECONDS = 3600;
  var POLL_MS = 1000;
  var WS_OPEN_TIMEOUT_MS = 5000;
  var WS_RETRIES = 3;
  var RECENT_MAX = 20;
  var STORE_KEY = 'spawnai.sessions';
  var CURRENT_KEY = 'spawnai.current';

  var STAGES = [
    { state: 'requested', label: 'Queued', pct: 10 },
    { state: 'provisioning', label: 'Provisioning', pct: 30 },
    { state: 'generating', label: 'Generating', pct: 60 },
    { state: 'deploying', label: 'Deploying', pct: 90 },
    { state: 'running', label: 'Ready', pct: 100 }
  ];
  var STAGE_INDEX = { requested: 0, provisioning: 1, generating: 2, deploying: 3, running: 4, sleeping: 4 };
  var TITLES = {
    requested: 'Queued',
    provisioning: 'Provisioning a container',
    generating: 'Generating your app',
    deploying: 'Deploying',
    running: 'Ready',
    sleeping: 'Ready (sleeping)',
    failed: 'Failed',
    destroying: 'Destroying',
    destroyed: 'Destroyed'
  };
  var STATE_LABELS = {
    requested: 'queued', provisioning: 'provisioning', generating: 'generating', deploying: 'deploying',
    running: 'ready', sleeping: 'sleeping', failed: 'failed', destroying: 'destroying', destroyed: 'destroyed',
    gone: 'not found'
  };
  var TYPE_LABELS = { webapp: 'Web app', api: 'API', script: 'Script', site: 'Website' };
  var TERMINAL = { destroyed: true };
  var IN_PROGRESS = { requested: true, provisioning: true, generating: true, deploying: true };

  // ---------------------------------------------------------------- helpers

  function $(id) { return document.getElementById(id); }

  /** Creates an element; string children become text nodes (escaped by construction). */
  function h(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'className') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? '' : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return node;
  }

  function setText(id, text) { $(id).textContent = text == null ? '' : String(text); }
  function show(el, on) { (typeof el === 'string' ? $(el) : el).hidden = !on; }

  /** Characters as the server counts them (Unicode code points, not UTF-16 units). */
  function charCount(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      n++;
    }
    return n;
  }

  var numberFmt = new Intl.NumberFormat('en-US');
  function fmtNum(n) { return numberFmt.format(n); }

  function fmtUsd(v) {
    if (typeof v !== 'number' || !isFinite(v)) return '–';
    if (v === 0) return '$0.00';
    if (v < 0.01) return '$' + v.toFixed(4);
    if (v < 1) return '$' + v.toFixed(3);
    return '$' + v.toFixed(2);
  }

  function fmtClock(date) {
    return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function fmtTime(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return '';
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function fmtWhen(date) {
    var now = new Date();
    var sameDay = date.toDateString() === now.toDateString();
    return sameDay ? fmtClock(date)
                   : date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  function fmtAgo(iso) {
    var t = Date.parse(iso);
    if (isNaN(t)) return '';
    var s = Math.max(0, Math.round((Date.now() - t) / 1000));
    if (s < 45) return 'just now';
    var m = Math.round(s / 60);
    if (m < 60) return m + ' min ago';
    var hrs = Math.round(m / 60);
    if (hrs < 24) return hrs + ' h ago';
    return Math.round(hrs / 24) + ' d ago';
  }

  function fmtDuration(totalSeconds) {
    var s = Math.max(0, Math.floor(totalSeconds));
    var d = Math.floor(s / 86400);
    var hr = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60);
    var sec = s % 60;
    var two = function (n) { return (n < 10 ? '0' : '') + n; };
    if (d > 0) return d + 'd ' + hr + 'h ' + two(m) + 'm';
    if (hr > 0) return hr + ':' + two(m) + ':' + two(sec);
    return m + ':' + two(sec);
  }

  function fmtDurationWords(totalSeconds) {
    var s = Math.round(totalSeconds);
    if (s < 90) return s + ' seconds';
    var m = Math.round(s / 60);
    if (m < 90) return m + ' minutes';
    var hr = Math.round(m / 6) / 10;
    return hr + ' hours';
  }

  /** Event messages may carry raw epoch milliseconds; show them as local times. */
  function humanizeMessage(msg) {
    return String(msg == null ? '' : msg).replace(/\b(1\d{12})\b/g, function (m) {
      var d = new Date(Number(m));
      return isNaN(d) ? m : fmtWhen(d);
    });
  }

  // ---------------------------------------------------------------- storage

  function storageGet(key, fallback) {
    try {
      var v = window.localStorage.getItem(key);
      return v === null ? fallback : JSON.parse(v);
    } catch (e) {
      return fallback;
    }
  }

  function storageSet(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* private mode or quota: the UI still works for this page view */ }
  }

  function recentSessions() {
    var list = storageGet(STORE_KEY, []);
    return Array.isArray(list) ? list.filter(function (e) { return e && typeof e.id === 'string'; }) : [];
  }

  function saveRecent(list) { storageSet(STORE_KEY, list.slice(0, RECENT_MAX)); }

  function findRecent(id) {
    return recentSessions().filter(function (e) { return e.id === id; })[0] || null;
  }

  function rememberSession(s, token) {
    var list = recentSessions().filter(function (e) { return e.id !== s.id; });
    var old = findRecent(s.id);
    list.unshift({
      id: s.id,
      token: token || (old && old.token) || null,
      prompt: s.prompt,
      app_type: s.app_type,
      created_at: s.created_at,
      state: s.state,
      title: old && old.title || null
    });
    saveRecent(list);
  }

  function updateRecent(id, patch) {
    var list = recentSessions();
    var changed = false;
    list.forEach(function (e) {
      if (e.id !== id) return;
      Object.keys(patch).forEach(function (k) {
        if (e[k] !== patch[k]) { e[k] = patch[k]; changed = true; }
      });
    });
    if (changed) { saveRecent(list); renderRecent(); }
  }

  function forgetRecent(id) {
    saveRecent(recentSessions().filter(function (e) { return e.id !== id; }));
    if (storageGet(CURRENT_KEY, null) === id) storageSet(CURRENT_KEY, null);
    renderRecent();
  }

  // ---------------------------------------------------------------- API

  function ApiError(status, code, message, retryAfter) {
    this.status = status;
    this.code = code;
    this.message = message;
    this.retryAfter = retryAfter;
  }

  function api(method, path, opts) {
    opts = opts || {};
    var headers = { 'Accept': 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.token) headers['X-Manage-Token'] = opts.token;
    return fetch(path, {
      method: method,
      headers: headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      cache: 'no-store',
      credentials: 'same-origin'
    }).catch(function () {
      throw new ApiError(0, 'network', 'SpawnAI cannot be reached. Check your connection and try again.');
    }).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
        if (!res.ok) {
          var err = (data && data.error) || {};
          throw new ApiError(res.status, err.code || 'http_' + res.status,
                             err.message || res.statusText || 'The request failed',
                             res.headers.get('Retry-After'));
        }
        return data;
      });
    });
  }

  function sessionPath(id, rest) {
    return '/api/v1/sessions/' + encodeURIComponent(id) + (rest || '');
  }

  // Browsers cannot set headers on a WebSocket: the manage token rides in the query.
  function wsUrl(id, token) {
    var proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    return proto + '//' + window.location.host + '/ws/v1/sessions/' + encodeURIComponent(id) +
      (token ? '?token=' + encodeURIComponent(token) : '');
  }

  // ---------------------------------------------------------------- toast

  var toastTimer = null;
  function toast(message, kind) {
    var t = $('toast');
    t.textContent = message;
    t.dataset.kind = kind || 'info';
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, 5000);
  }

  // ---------------------------------------------------------------- composer

  var creating = false;
  var rateLimitedUntil = 0;
  var rateTimer = null;
  var lastCountBand = 'ok';

  function selectedType() {
    var r = document.querySelector('input[name="app_type"]:checked');
    return r ? r.value : 'webapp';
  }

  function setType(type) {
    var r = document.querySelector('input[name="app_type"][value="' + type + '"]');
    if (r) r.checked = true;
    syncSiteDetails();
  }

  // Client details of a website (only asked for the site type).
  var SITE_FIELDS = { name: 'site-name', trade: 'site-trade', city: 'site-city', colors: 'site-color', source_url: 'site-url' };

  function syncSiteDetails() {
    show('site-details', selectedType() === 'site');
  }

  function siteDetails() {
    var d = {};
    ['name', 'trade', 'city', 'source_url'].forEach(function (k) {
      var v = $(SITE_FIELDS[k]).value.trim();
      if (v) d[k] = v;
    });
    if ($('site-color').dataset.touched) d.colors = [$('site-color').value];
    return d;
  }

  function autoGrow() {
    var ta = $('prompt');
    ta.style.height = 'auto';
    ta.style.height = Math.min(ta.scrollHeight + 2, 320) + 'px';
  }

  function updateCounter() {
    var n = charCount($('prompt').value);
    var c = $('prompt-count');
    c.textContent = fmtNum(n) + ' / ' + fmtNum(MAX_CHARS);
    c.setAttribute('aria-label', fmtNum(n) + ' of ' + fmtNum(MAX_CHARS) + ' characters');
    var band = n > MAX_CHARS ? 'over' : n > MAX_CHARS * 0.9 ? 'near' : 'ok';
    c.dataset.band = band;
    $('prompt-box').classList.toggle('is-over', band === 'over');
    if (band !== lastCountBand) {
      setText('count-announcer', band === 'over' ? 'Over the 2,000 character limit by ' + fmtNum(n - MAX_CHARS)
                                 : band === 'near' ? fmtNum(MAX_CHARS - n) + ' characters left' : '');
      lastCountBand = band;
    }
    if (band !== 'over' && $('prompt-error').dataset.source === 'length') clearFieldErrors();
  }

  function clearFieldErrors() {
    Object.keys(SITE_FIELDS).forEach(function (k) { $(SITE_FIELDS[k]).removeAttribute('aria-invalid'); });
    ['prompt-error', 'type-error', 'site-error'].forEach(function (id) {
      var e = $(id);
      e.hidden = true;
      e.textContent = '';
      delete e.dataset.source;
    });
    $('prompt').removeAttribute('aria-invalid');
    $('prompt-box').classList.remove('has-error');
    $('type-picker').classList.remove('has-error');
  }

  function showFieldError(field, message, source) {
    if (field.indexOf('site') === 0) {
      var se = $('site-error');
      se.textContent = message;
      se.hidden = false;
      var input = $(SITE_FIELDS[field.slice(5)] || 'site-name');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    if (field === 'app_type') {
      var te = $('type-error');
      te.textContent = message;
      te.hidden = false;
      $('type-picker').classList.add('has-error');
      var r = document.querySelector('input[name="app_type"]:checked') || document.querySelector('input[name="app_type"]');
      r.focus();
      return;
    }
    var pe = $('prompt-error');
    pe.textContent = message;
    pe.hidden = false;
    pe.dataset.source = source || 'server';
    $('prompt').setAttribute('aria-invalid', 'true');
    $('prompt-box').classList.add('has-error');
    $('prompt').focus();
  }

  function hideCreateError() {
    show('create-error', false);
    clearInterval(rateTimer);
    rateTimer = null;
  }

  function showCreateError(title, text, kind) {
    setText('create-error-title', title);
    setText('create-error-text', text);
    $('create-error').dataset.kind = kind || 'error';
    show('create-error', true);
  }

  function updateSendButton() {
    var limited = Date.now() < rateLimitedUntil;
    var btn = $('send');
    btn.disabled = creating || limited;
    btn.setAttribute('aria-busy', creating ? 'true' : 'false');
    btn.querySelector('.btn-label').textContent = creating ? 'Spawning…' : limited ? 'Please wait' : 'Spawn it';
  }

  function retryAfterSeconds(value) {
    if (!value) return 60;
    var n = Number(value);
    if (isFinite(n)) return Math.max(1, Math.ceil(n));
    var t = Date.parse(value);
    return isNaN(t) ? 60 : Math.max(1, Math.ceil((t - Date.now()) / 1000));
  }

  function handleCreateError(err) {
    if (err.status === 400 || err.status === 413) {
      var m = /'([a-z_.]+)'/.exec(err.message || '');
      var field = m ? m[1] : 'prompt';
      var text = err.status === 413 ? 'That prompt is too large to send. Shorten it and try again.' : err.message;
      if (field.indexOf('site') === 0 && selectedType() === 'site') {
        showFieldError(field, capitalize(text));
        return;
      }
      showFieldError(field === 'app_type' ? 'app_type' : 'prompt', capitalize(text));
      return;
    }
    if (err.status === 429) {
      var secs = retryAfterSeconds(err.retryAfter);
      rateLimitedUntil = Date.now() + secs * 1000;
      var tick = function () {
        var left = Math.ceil((rateLimitedUntil - Date.now()) / 1000);
        if (left <= 0) {
          hideCreateError();
          updateSendButton();
          return;
        }
        var active = recentSessions().filter(function (e) {
          return e.state === 'running' || e.state === 'sleeping' || IN_PROGRESS[e.state];
        }).length;
        showCreateError('Slow down a little',
                        capitalize(err.message) + '. You can spawn again in ' + fmtDuration(left) + '.' +
                        (active ? ' Destroying one of your ' + active + ' active app' + (active === 1 ? '' : 's') +
                                  ' under "My recent sessions" may free a slot sooner.' : ''), 'warn');
        updateSendButton();
      };
      tick();
      clearInterval(rateTimer);
      rateTimer = setInterval(tick, 1000);
      return;
    }
    if (err.status === 503) {
      showCreateError('SpawnAI is busy or partly down', capitalize(err.message) + '. Please try again in a moment.');
      return;
    }
    if (err.status === 401 || err.status === 403) {
      showCreateError('Not allowed', capitalize(err.message) + '.');
      return;
    }
    if (err.status === 0) {
      showCreateError('No connection', err.message);
      return;
    }
    showCreateError('Something went wrong', capitalize(err.message || 'The request failed') + ' (HTTP ' + err.status + ').');
  }

  function capitalize(s) {
    s = String(s || '');
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function submitPrompt() {
    if (creating || Date.now() < rateLimitedUntil) return;
    clearFieldErrors();
    hideCreateError();
    var prompt = $('prompt').value;
    var n = charCount(prompt);
    if (!prompt.trim()) {
      showFieldError('prompt', 'Describe the app you want first. One sentence is enough.', 'empty');
      return;
    }
    if (n > MAX_CHARS) {
      showFieldError('prompt', 'That is ' + fmtNum(n) + ' characters; the limit is ' + fmtNum(MAX_CHARS) +
                     '. Shorten it by ' + fmtNum(n - MAX_CHARS) + '.', 'length');
      return;
    }
    createSession(prompt, selectedType());
  }

  function createSession(prompt, type) {
    creating = true;
    updateSendButton();
    var body = { prompt: prompt, app_type: type };
    if (type === 'site') {
      var site = siteDetails();
      if (Object.keys(site).length) body.site = site;
    }
    return api('POST', '/api/v1/sessions', { body: body })
      .then(function (s) {
        rememberSession(s, s.manage_token);
        $('prompt').value = '';
        updateCounter();
        autoGrow();
        openSession(s.id, { session: s, focus: true });
      })
      .catch(function (err) {
        if (!(err instanceof ApiError)) throw err;
        showComposer();
        handleCreateError(err);
      })
      .then(function () {
        creating = false;
        updateSendButton();
      });
  }

  // ---------------------------------------------------------------- session view

  /** The open session: everything about it lives here and is dropped on close. */
  var cur = null;
  var generation = 0;

  function newCurrent(id) {
    return {
      gen: ++generation,
      id: id,
      token: null,
      session: null,
      seqs: Object.create(null),
      lastSeq: 0,
      reached: 0,
      phasesSeen: Object.create(null),
      deadline: null,
      ws: null,
      wsOpened: false,
      wsRetries: 0,
      wsTimer: null,
      pollTimer: null,
      polling: false,
      mode: 'connecting',
      files: null,
      filesPromise: null,
      previewUrl: null,
      announced: null,
      activeFile: 0,
      backfilling: false
    };
  }

  function showComposer() {
    show('composer-view', true);
    show('session-view', false);
  }

  function closeSession() {
    if (!cur) return;
    stopLive(cur);
    cur = null;
    generation++;
    clearPreview();
  }

  function startOver(prefill, type) {
    closeSession();
    storageSet(CURRENT_KEY, null);
    if (window.location.hash) history.replaceState(null, '', window.location.pathname + window.location.search);
    document.title = 'SpawnAI — one sentence in, a running app out';
    showComposer();
    clearFieldErrors();
    hideCreateError();
    if (typeof prefill === 'string') {
      $('prompt').value = prefill;
      if (type) setType(type);
    }
    updateCounter();
    autoGrow();
    renderRecent();
    $('prompt').focus();
  }

  function resetSessionView(id) {
    setText('session-id', id);
    setText('session-prompt', '');
    setText('session-type', '');
    $('log').textContent = '';
    setText('log-count', '0 events');
    setText('status-message', '');
    setText('status-live', '');
    setText('eta', '');
    show('eta-sep', false);
    ['ready-card', 'failed-card', 'ended-card', 'preview-card', 'code-card', 'chat-card'].forEach(function (c) { show(c, false); });
    $('thread').textContent = '';
    $('versions').textContent = '';
    show('diff-box', false);
    $('file-tabs').textContent = '';
    setText('code-text', '');
    setText('session-title', 'Your app');
    setConn('connecting');
    clearPreview();
  }

  /**
   * Opens a session by id: shows what is known at once, then loads its state and
   * log and subscribes to live updates (WebSocket, polling as the fallback).
   */
  function openSession(id, opts) {
    opts = opts || {};
    closeSession();
    var c = cur = newCurrent(id);
    var stored = findRecent(id);
    c.token = opts.token || (stored && stored.token) || (opts.session && opts.session.manage_token) || null;
    storageSet(CURRENT_KEY, id);
    if (window.location.hash !== '#s=' + id) history.replaceState(null, '', '#s=' + encodeURIComponent(id));

    resetSessionView(id);
    show('composer-view', false);
    show('session-view', true);
    hideCreateError();

    if (opts.session) {
      renderSession(opts.session);
      if (typeof opts.session.estimated_seconds === 'number' && IN_PROGRESS[opts.session.state]) {
        setText('eta', 'usually ready in about ' + fmtDurationWords(Math.max(1, opts.session.estimated_seconds)));
        show('eta-sep', true);
      }
    } else if (stored) {
      setText('session-prompt', stored.prompt || '');
      setText('session-type', TYPE_LABELS[stored.app_type] || stored.app_type || '');
      setText('status-title', 'Loading…');
    }
    if (opts.focus) $('session-title').focus();

    var loads = [];
    if (!opts.session) {
      loads.push(api('GET', sessionPath(id), { token: c.token }).then(function (s) {
        if (c !== cur) return;
        renderSession(s);
      }));
    }
    loads.push(fetchEvents(c));
    Promise.all(loads).then(function () {
      if (c !== cur) return;
      if (!TERMINAL[c.session && c.session.state]) connectWs(c);
      else setConn('closed');
    }).catch(function (err) {
      if (c !== cur) return;
      if (err instanceof ApiError && err.status === 404) {
        forgetRecent(id);
        startOver();
        showCreateError('That session no longer exists', 'It may have been removed from the server. Start a new one below.', 'warn');
        return;
      }
      // Server unreachable or a hiccup: keep trying in the background.
      setConn('offline');
      startPolling(c);
    });
  }

  /** The event log; it is private, so only with the manage token. */
  function fetchEvents(c) {
    if (!c.token) return Promise.resolve();
    return api('GET', sessionPath(c.id, '/events?after=' + c.lastSeq), { token: c.token }).then(function (data) {
      if (c !== cur) return;
      ingestEvents(c, (data && data.events) || []);
    });
  }

  function ingestEvents(c, events) {
    var added = 0;
    events.slice().sort(function (a, b) { return a.seq - b.seq; }).forEach(function (ev) {
      if (!ev || typeof ev.seq !== 'number' || ev.seq <= 0 || c.seqs[ev.seq]) return;
      c.seqs[ev.seq] = true;
      c.lastSeq = Math.max(c.lastSeq, ev.seq);
      notePhase(c, ev.phase);
      appendLog(ev);
      added++;
    });
    if (added) {
      var n = Object.keys(c.seqs).length;
      setText('log-count', n + (n === 1 ? ' event' : ' events'));
      if (c.session) renderProgress(c, c.session);
    }
  }

  function notePhase(c, phase) {
    if (!phase) return;
    c.phasesSeen[phase] = true;
    if (phase in STAGE_INDEX) c.reached = Math.max(c.reached, STAGE_INDEX[phase]);
  }

  function appendLog(ev) {
    var log = $('log');
    var nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    var level = ['info', 'warn', 'warning', 'error', 'debug'].indexOf(ev.level) >= 0 ? ev.level : 'info';
    if (level === 'warning') level = 'warn';
    var li = h('li', { className: 'log-item', 'data-level': level, 'data-seq': ev.seq },
      h('time', { className: 'log-time', datetime: ev.at || '', text: fmtTime(ev.at) }),
      h('span', { className: 'log-phase', text: STATE_LABELS[ev.phase] || ev.phase || '' }),
      h('span', { className: 'log-msg', text: humanizeMessage(ev.message) }));
    // Keep the log in seq order even if a backfill arrives late.
    var after = null;
    for (var i = log.children.length - 1; i >= 0; i--) {
      if (Number(log.children[i].getAttribute('data-seq')) < ev.seq) { after = log.children[i]; break; }
    }
    if (after) after.after(li);
    else log.prepend(li);
    if (nearBottom) log.scrollTop = log.scrollHeight;
  }

  function renderSession(s) {
    var c = cur;
    if (!c || s.id !== c.id) return;
    var prev = c.session;
    c.session = s;
    notePhase(c, s.state);
    if (typeof s.expires_in_seconds === 'number' && s.expires_at) {
      c.deadline = Date.now() + s.expires_in_seconds * 1000;
    }

    // Without the manage token the server shows only what the app's visitors may know.
    if (typeof s.prompt === 'string') setText('session-prompt', s.prompt);
    if (s.app_type) setText('session-type', TYPE_LABELS[s.app_type] || s.app_type);
    updateRecent(s.id, { state: s.state });

    renderProgress(c, s);

    var live = s.state === 'running' || s.state === 'sleeping';
    var failed = s.state === 'failed' || (!!s.failure_reason && (s.state === 'destroying' || s.state === 'destroyed'));
    var ended = !failed && (s.state === 'destroying' || s.state === 'destroyed');

    // Ready card
    show('ready-card', live && !!s.app_url);
    if (live && s.app_url) {
      var link = $('app-link');
      link.href = safeHttpUrl(s.app_url) || '#';
      setText('app-link-text', s.app_url);
      setText('ready-title', (c.files && c.files.title ? c.files.title + ' is live' : 'Your app is live'));
      setText('ready-sub', s.state === 'sleeping'
        ? 'It is paused to save resources and wakes up instantly on the next visit.'
        : 'Anyone with the link can open it until it is destroyed.');
      var canManage = !!c.token;
      show('manage-actions', true);
      $('extend').hidden = !canManage;
      $('destroy').hidden = !canManage;
      show('no-token-note', !canManage);
      var tier = tierInfo(s.tier);
      setText('tier', tier.name);
      setText('node', [tier.spec, s.node_id ? 'on ' + s.node_id : ''].filter(Boolean).join(' · '));
      loadFiles(c);
      setPreview(s.app_url);
      document.title = (c.files && c.files.title ? c.files.title : 'Ready') + ' · SpawnAI';
    } else if (!live) {
      clearPreview();
    }
    renderChat(c, s, live);
    setText('cost-estimated', fmtUsd(s.costs && s.costs.estimated_usd));
    setText('cost-actual', s.costs ? 'so far ' + fmtUsd(s.costs.actual_usd) : '');
    tickCountdown();

    // Failed card
    show('failed-card', failed);
    if (failed) {
      setText('failed-reason', capitalize(s.failure_reason || s.message || 'The session failed without a reason.'));
      document.title = 'Failed · SpawnAI';
    }

    // Destroyed card
    show('ended-card', ended);
    if (ended) {
      var when = s.destroyed_at ? new Date(s.destroyed_at) : null;
      setText('ended-title', s.state === 'destroying' ? 'Destroying this app…' : 'This app has been destroyed');
      setText('ended-text', s.state === 'destroying'
        ? 'Its container is being removed; the link already stops working.'
        : 'Its link no longer works' + (when && !isNaN(when) ? ' (destroyed at ' + fmtWhen(when) + ')' : '') +
          '. Its code is still yours to download.');
      document.title = (s.state === 'destroying' ? 'Destroying' : 'Destroyed') + ' · SpawnAI';
    }
    if (IN_PROGRESS[s.state]) document.title = (STAGES[STAGE_INDEX[s.state]].label) + ' ' + s.progress + '% · SpawnAI';

    if (!IN_PROGRESS[s.state]) { setText('eta', ''); show('eta-sep', false); }
    if (prev && IN_PROGRESS[prev.state] && live) toast('Your app is ready.', 'ok');
  }

  function tierInfo(tier) {
    var specs = { small: '1 vCPU, 1 GiB', medium: '2 vCPU, 2 GiB', large: '2 vCPU, 4 GiB' };
    return { name: tier ? capitalize(tier) : '–', spec: specs[tier] || '' };
  }

  function safeHttpUrl(u) {
    try {
      var url = new URL(u, window.location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function renderProgress(c, s) {
    var state = s.state;
    var failed = state === 'failed' || (!!s.failure_reason && (state === 'destroying' || state === 'destroyed'));
    var idx, pct, title;
    if (state in STAGE_INDEX) {
      idx = STAGE_INDEX[state];
      c.reached = Math.max(c.reached, idx);
      pct = STAGES[idx].pct;
      title = TITLES[state];
    } else {
      idx = c.reached;
      pct = STAGES[idx].pct;
      title = failed ? 'Failed' : TITLES[state] || capitalize(state);
    }
    var card = $('progress-card');
    card.dataset.state = failed ? 'failed' : state;
    setText('status-title', title);
    setText('status-pct', pct + '%');
    setText('status-message', humanizeMessage(s.message));
    var bar = $('bar');
    bar.setAttribute('aria-valuenow', String(pct));
    bar.setAttribute('aria-valuetext', title + ', ' + pct + '%');
    $('bar-fill').style.width = pct + '%';

    var items = $('stages').children;
    for (var i = 0; i < items.length; i++) {
      var st;
      if (failed) st = i < idx ? 'done' : i === idx ? 'failed' : 'todo';
      else if (state === 'destroying' || state === 'destroyed') st = i <= idx ? 'done' : 'skipped';
      else if (state === 'running' || state === 'sleeping') st = 'done';
      else st = i < idx ? 'done' : i === idx ? 'current' : 'todo';
      items[i].dataset.status = st;
      if (st === 'current') items[i].setAttribute('aria-current', 'step');
      else items[i].removeAttribute('aria-current');
    }

    var announce = title + ', ' + pct + ' percent';
    if (c.announced !== announce) {
      c.announced = announce;
      setText('status-live', announce);
    }
  }

  // ---------------------------------------------------------------- countdown

  function tickCountdown() {
    var c = cur;
    if (!c || !c.session) return;
    var s = c.session;
    var live = s.state === 'running' || s.state === 'sleeping';
    if (!live || c.deadline === null) {
      setText('countdown', '–');
      setText('expires-at', '');
      return;
    }
    var left = Math.max(0, (c.deadline - Date.now()) / 1000);
    var cd = $('countdown');
    cd.textContent = left > 0 ? fmtDuration(left) : 'any moment';
    cd.dataset.urgency = left < 300 ? 'high' : left < 1800 ? 'medium' : 'low';
    setText('expires-at', 'at ' + fmtWhen(new Date(c.deadline)));
  }

  // ---------------------------------------------------------------- live updates

  function setConn(mode) {
    if (cur) cur.mode = mode;
    var el = $('conn');
    el.dataset.mode = mode;
    setText('conn-text', {
      connecting: 'Connecting…',
      live: 'Live',
      polling: 'Live (polling)',
      offline: 'Reconnecting…',
      closed: 'Finished'
    }[mode] || mode);
    el.title = {
      live: 'Updates stream over a WebSocket',
      polling: 'The WebSocket is unavailable; checking every second instead',
      offline: 'SpawnAI cannot be reached right now; retrying',
      closed: 'This session has ended; no more updates'
    }[mode] || '';
  }

  function stopLive(c) {
    clearTimeout(c.wsTimer);
    c.wsTimer = null;
    if (c.ws) {
      var ws = c.ws;
      c.ws = null;
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try { ws.close(); } catch (e) { /* already closed */ }
    }
    stopPolling(c);
  }

  function connectWs(c) {
    if (c !== cur || c.polling) return;
    if (typeof WebSocket !== 'function' || !c.token) { startPolling(c); return; }
    var ws;
    try {
      ws = new WebSocket(wsUrl(c.id, c.token));
    } catch (e) {
      startPolling(c);
      return;
    }
    c.ws = ws;
    c.wsOpened = false;
    if (c.mode !== 'live') setConn('connecting');
    c.wsTimer = setTimeout(function () {
      if (c.ws === ws && !c.wsOpened) {
        ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
        try { ws.close(); } catch (e) { /* ignore */ }
        c.ws = null;
        startPolling(c);
      }
    }, WS_OPEN_TIMEOUT_MS);
    ws.onopen = function () {
      if (c !== cur) return;
      c.wsOpened = true;
      c.wsRetries = 0;
      clearTimeout(c.wsTimer);
      setConn('live');
    };
    ws.onmessage = function (msg) {
      if (c !== cur) return;
      var frame;
      try { frame = JSON.parse(msg.data); } catch (e) { return; }
      if (!frame || typeof frame !== 'object') return;
      if (frame.type === 'error') {
        var e = frame.error || {};
        if (e.code === 'not_found') {
          forgetRecent(c.id);
          startOver();
          showCreateError('That session no longer exists', capitalize(e.message || '') + '.', 'warn');
        } else {
          toast(capitalize(e.message || 'The live stream failed') + '. Switching to polling.', 'warn');
        }
        return;
      }
      if (frame.type !== 'event') return;
      if (frame.session) renderSession(frame.session);
      var ev = frame.event;
      if (ev && typeof ev.seq === 'number' && ev.seq > 0) {
        if (ev.seq > c.lastSeq + 1 && !c.backfilling) backfill(c);
        ingestEvents(c, [ev]);
        chatProgress(c, ev);
      }
    };
    ws.onclose = function () {
      if (c !== cur || c.ws !== ws) return;
      clearTimeout(c.wsTimer);
      c.ws = null;
      if (c.session && TERMINAL[c.session.state]) {
        setConn('closed');
        return;
      }
      if (!c.wsOpened || c.wsRetries >= WS_RETRIES) {
        startPolling(c);
        return;
      }
      // It was live and dropped: fill any gap, then reconnect with backoff.
      c.wsRetries++;
      setConn('offline');
      setTimeout(function () {
        if (c !== cur) return;
        backfill(c);
        connectWs(c);
      }, 500 * Math.pow(2, c.wsRetries - 1));
    };
    ws.onerror = function () { /* onclose follows and decides */ };
  }

  function backfill(c) {
    c.backfilling = true;
    fetchEvents(c).catch(function () { /* the next frame or poll catches up */ }).then(function () {
      c.backfilling = false;
    });
  }

  function startPolling(c) {
    if (c !== cur || c.polling) return;
    c.polling = true;
    setConn('polling');
    var inFlight = false;
    var poll = function () {
      if (c !== cur || !c.polling || inFlight) return;
      inFlight = true;
      Promise.all([
        api('GET', sessionPath(c.id), { token: c.token }).then(function (s) { if (c === cur) renderSession(s); }),
        fetchEvents(c)
      ]).then(function () {
        if (c !== cur) return;
        setConn('polling');
        if (c.session && TERMINAL[c.session.state]) {
          stopPolling(c);
          setConn('closed');
        }
      }).catch(function (err) {
        if (c !== cur) return;
        if (err instanceof ApiError && err.status === 404) {
          stopPolling(c);
          forgetRecent(c.id);
          startOver();
          showCreateError('That session no longer exists', 'Start a new one below.', 'warn');
          return;
        }
        setConn('offline');
      }).then(function () { inFlight = false; });
    };
    poll();
    c.pollTimer = setInterval(poll, POLL_MS);
  }

  function stopPolling(c) {
    c.polling = false;
    clearInterval(c.pollTimer);
    c.pollTimer = null;
  }

  // ---------------------------------------------------------------- conversation (issue 15)

  /** The thread, the versions and the turn box, once the app runs. */
  function renderChat(c, s, live) {
    show('chat-card', live || (c.chatLoaded && !TERMINAL[s.state]));
    if (!live) return;
    var updating = s.status === 'updating';
    $('turn-send').disabled = updating || !c.token;
    $('turn-prompt').disabled = !c.token;
    if (!c.token) setText('chat-status', 'This browser does not hold the manage token: you can read, not change.');
    else if (updating) setText('chat-status', 'Updating version ' + (s.version || '') + '…');
    else setText('chat-status', s.version ? 'Version ' + s.version + ' is live' : '');
    var changed = c.chatVersion !== undefined && c.chatVersion !== s.version;
    var finished = c.chatUpdating && !updating;
    if (!c.chatLoaded || changed || finished || updating !== c.chatUpdating) loadChat(c);
    if (changed) {
      // The new version serves: the code and the preview follow it.
      c.filesPromise = null;
      c.files = null;
      loadFiles(c);
      if (s.app_url) {
        c.previewUrl = null;
        $('preview-wrap').textContent = '';
        setPreview(s.app_url);
      }
      toast('Version ' + s.version + ' is live.', 'ok');
    }
    c.chatVersion = s.version;
    c.chatUpdating = updating;
  }

  function loadChat(c) {
    c.chatLoaded = true;
    api('GET', sessionPath(c.id, '/messages'), { token: c.token }).then(function (t) {
      if (c === cur) renderThread(c, t);
    }).catch(function () { /* the next update tries again */ });
    api('GET', sessionPath(c.id, '/versions'), { token: c.token }).then(function (v) {
      if (c === cur) renderVersions(c, v);
    }).catch(function () {});
  }

  function renderThread(c, t) {
    var list = $('thread');
    list.textContent = '';
    (t.messages || []).forEach(function (m) {
      var li = h('li', { className: 'msg ' + (m.role === 'user' && m.kind !== 'fix' ? 'user' : 'assistant') });
      if (m.status) li.setAttribute('data-status', m.status);
      li.appendChild(document.createTextNode(m.text || ''));
      var meta = [];
      if (m.role === 'assistant' && m.version) meta.push('version ' + m.version);
      if (m.role === 'assistant' && m.status && m.status !== 'done') meta.push(m.status === 'unchanged' ? 'no new version' : m.status);
      if (m.tokens && (m.tokens.input || m.tokens.output)) meta.push(fmtNum(m.tokens.input + m.tokens.output) + ' tokens');
      if (typeof m.took_ms === 'number') meta.push((m.took_ms / 1000).toFixed(1) + ' s');
      if (meta.length) li.appendChild(h('span', { className: 'msg-meta', text: meta.join(' · ') }));
      list.appendChild(li);
    });
    if (t.updating) {
      var p = h('li', { className: 'msg assistant pending', id: 'turn-pending', text: c.chatStep || 'Working on it…' });
      list.appendChild(p);
    }
    list.scrollTop = list.scrollHeight;
  }

  function renderVersions(c, v) {
    var list = $('versions');
    list.textContent = '';
    var all = v.versions || [];
    all.slice().reverse().forEach(function (ver, i, rev) {
      var li = h('li', { 'data-version': String(ver.version) });
      li.appendChild(h('span', { className: 'v-num', text: 'v' + ver.version }));
      if (ver.status === 'current') li.appendChild(h('span', { className: 'v-current', text: 'live' }));
      li.appendChild(h('span', { className: 'v-prompt', text: ver.restored_from ? 'Restored version ' + ver.restored_from : ver.prompt }));
      var older = rev[i + 1];
      if (older) {
        var d = h('button', { type: 'button', className: 'btn btn-ghost btn-small v-diff', text: 'Diff' });
        d.setAttribute('aria-label', 'Changes from version ' + older.version + ' to ' + ver.version);
        d.addEventListener('click', function () { showDiff(c, older.version, ver.version); });
        li.appendChild(d);
      }
      if (ver.status !== 'current' && c.token) {
        var r = h('button', { type: 'button', className: 'btn btn-secondary btn-small v-rollback', text: 'Roll back' });
        r.setAttribute('aria-label', 'Roll back to version ' + ver.version);
        r.disabled = !!(c.session && c.session.status === 'updating');
        r.addEventListener('click', function () { rollbackTo(c, ver.version); });
        li.appendChild(r);
      }
      list.appendChild(li);
    });
  }

  function showDiff(c, from, to) {
    api('GET', sessionPath(c.id, '/diff?from=' + from + '&to=' + to), { token: c.token }).then(function (d) {
      if (c !== cur) return;
      var view = $('diff-view');
      view.textContent = '';
      setText('diff-title', 'Changes from version ' + from + ' to ' + to);
      (d.files || []).forEach(function (f) {
        String(f.diff || '').split('\n').forEach(function (line) {
          if (!line) return;
          var cls = line.indexOf('@@') === 0 ? 'hunk' : line[0] === '+' && line.indexOf('+++') !== 0 ? 'add'
            : line[0] === '-' && line.indexOf('---') !== 0 ? 'del' : '';
          view.appendChild(cls ? h('span', { className: cls, text: line }) : document.createTextNode(line + '\n'));
        });
      });
      if (!d.files || !d.files.length) view.textContent = 'The two versions have the same files.';
      show('diff-box', true);
    }).catch(function (err) { toast(capitalize(err.message || 'The diff could not be loaded') + '.', 'warn'); });
  }

  function turnError(err) {
    var el = $('turn-error');
    el.textContent = capitalize((err && err.message) || 'The request failed') + '.';
    el.hidden = false;
  }

  function sendTurn() {
    var c = cur;
    var text = $('turn-prompt').value;
    if (!c || !c.token || $('turn-send').disabled) return;
    $('turn-error').hidden = true;
    if (!text.trim()) return turnError({ message: 'write what to change first' });
    $('turn-send').disabled = true;
    api('POST', sessionPath(c.id, '/messages'), { token: c.token, body: { prompt: text } }).then(function () {
      if (c !== cur) return;
      $('turn-prompt').value = '';
      c.chatStep = 'Working on it…';
      c.chatUpdating = true;
      loadChat(c);
    }).catch(function (err) {
      $('turn-send').disabled = false;
      turnError(err);
    });
  }

  function rollbackTo(c, version) {
    $('turn-error').hidden = true;
    api('POST', sessionPath(c.id, '/rollback'), { token: c.token, body: { version: version } }).then(function () {
      if (c !== cur) return;
      c.chatStep = 'Restoring version ' + version + '…';
      c.chatUpdating = true;
      loadChat(c);
    }).catch(turnError);
  }

  /** Live progress of a turn: its latest step in the pending bubble. */
  function chatProgress(c, ev) {
    if (!c.session || c.session.status !== 'updating' || !ev || !ev.message) return;
    c.chatStep = humanizeMessage(ev.message);
    var p = $('turn-pending');
    if (p) p.textContent = c.chatStep;
  }

  // ---------------------------------------------------------------- preview

  function setPreview(url) {
    var c = cur;
    var safe = safeHttpUrl(url);
    if (!c || !safe) return;
    show('preview-card', true);
    setText('preview-url', safe);
    if (c.previewUrl === safe && $('preview-wrap').firstChild) return;
    c.previewUrl = safe;
    var frame = h('iframe', {
      className: 'preview-frame',
      id: 'preview-frame',
      src: safe,
      sandbox: 'allow-scripts allow-forms',
      referrerpolicy: 'no-referrer',
      title: 'Live preview of your app'
    });
    var wrap = $('preview-wrap');
    wrap.textContent = '';
    wrap.appendChild(frame);
  }

  function clearPreview() {
    var wrap = $('preview-wrap');
    if (wrap.firstChild) wrap.textContent = '';
    show('preview-card', false);
    if (cur) cur.previewUrl = null;
  }

  // ---------------------------------------------------------------- files

  function loadFiles(c) {
    if (c.filesPromise) return c.filesPromise;
    if (!c.token) return Promise.resolve(null); // the code is private too
    c.filesPromise = api('GET', sessionPath(c.id, '/files'), { token: c.token }).then(function (files) {
      if (c !== cur) return files;
      c.files = files;
      renderFiles(c);
      if (files && files.title) {
        updateRecent(c.id, { title: files.title });
        if (c.session && (c.session.state === 'running' || c.session.state === 'sleeping')) {
          setText('ready-title', files.title + ' is live');
          document.title = files.title + ' · SpawnAI';
        }
        setText('session-title', files.title);
      }
      return files;
    }).catch(function (err) {
      c.filesPromise = null;
      throw err;
    });
    c.filesPromise.catch(function () { /* reported when the user asks for the code */ });
    return c.filesPromise;
  }

  function renderFiles(c) {
    var f = c.files;
    if (!f || !Array.isArray(f.files) || !f.files.length) { show('code-card', false); return; }
    var tabs = $('file-tabs');
    tabs.textContent = '';
    f.files.forEach(function (file, i) {
      var tab = h('button', {
        type: 'button', role: 'tab', className: 'file-tab', id: 'file-tab-' + i,
        'aria-selected': i === c.activeFile ? 'true' : 'false',
        'aria-controls': 'code-view',
        tabindex: i === c.activeFile ? '0' : '-1',
        text: file.path
      });
      tab.addEventListener('click', function () { selectFile(c, i, false); });
      tab.addEventListener('keydown', function (e) {
        var n = f.files.length;
        var to = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? (i + 1) % n
               : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? (i + n - 1) % n
               : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
        if (to >= 0) { e.preventDefault(); selectFile(c, to, true); }
      });
      tabs.appendChild(tab);
    });
    var bits = [f.files.length + (f.files.length === 1 ? ' file' : ' files')];
    if (f.template) bits.push('template ' + f.template);
    if (runText(f.run)) bits.push('runs with ' + runText(f.run));
    setText('code-meta', bits.join(' · '));
    selectFile(c, Math.min(c.activeFile, f.files.length - 1), false);
    show('code-card', true);
  }

  /** `run` is an argv array (or a string); empty for static apps. */
  function runText(run) {
    if (Array.isArray(run)) return run.map(String).join(' ');
    return run ? String(run) : '';
  }

  function selectFile(c, i, focus) {
    c.activeFile = i;
    var tabs = $('file-tabs').children;
    for (var k = 0; k < tabs.length; k++) {
      tabs[k].setAttribute('aria-selected', k === i ? 'true' : 'false');
      tabs[k].tabIndex = k === i ? 0 : -1;
    }
    if (focus && tabs[i]) tabs[i].focus();
    $('code-view').setAttribute('aria-labelledby', 'file-tab-' + i);
    setText('code-text', c.files.files[i].content);
    $('code-view').scrollTop = 0;
  }

  function downloadCode(button) {
    var c = cur;
    if (!c) return;
    var label = button.textContent;
    button.disabled = true;
    loadFiles(c).then(function (files) {
      var s = c.session || {};
      var folder = 'spawnai-' + c.id;
      var readme = [
        (files.title || 'SpawnAI app') + '\n',
        'Prompt:   ' + (s.prompt || ''),
        'Type:     ' + (s.app_type || ''),
        'Session:  ' + c.id,
        'Created:  ' + (s.created_at || ''),
        'Entry:    ' + (files.entry || ''),
        'Run with: ' + (runText(files.run) || '(served as static files)'),
        'Template: ' + (files.template || ''),
        '',
        'Generated by SpawnAI. Review the code before running it anywhere else.',
        ''
      ].join('\n');
      var entries = [{ path: folder + '/SPAWNAI.txt', content: readme }];
      (files.files || []).forEach(function (f) {
        entries.push({ path: folder + '/' + window.SpawnZip.safePath(f.path), content: String(f.content) });
      });
      var blob = window.SpawnZip.makeZip(entries);
      var url = URL.createObjectURL(blob);
      var a = h('a', { href: url, download: folder + '.zip', hidden: true });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      toast('Downloaded ' + folder + '.zip (' + (files.files || []).length + ' files).', 'ok');
    }).catch(function (err) {
      toast('The code could not be loaded: ' + (err && err.message ? err.message : 'unknown error'), 'error');
    }).then(function () {
      button.disabled = false;
      button.textContent !== label && (button.textContent = label);
    });
  }

  // ---------------------------------------------------------------- manage

  function manageError(err, what) {
    if (!(err instanceof ApiError)) return toast(what + ' failed.', 'error');
    if (err.status === 409) return toast(capitalize(err.message) + '.', 'warn');
    if (err.status === 401 || err.status === 403) return toast('Not allowed: ' + err.message + '.', 'error');
    if (err.status === 429) return toast('Too many requests; try again in ' + fmtDuration(retryAfterSeconds(err.retryAfter)) + '.', 'warn');
    toast(what + ' failed: ' + err.message + '.', 'error');
  }

  function extendSession() {
    var c = cur;
    if (!c || !c.token) return;
    var btn = $('extend');
    btn.disabled = true;
    var before = c.session && c.session.expires_at;
    api('POST', sessionPath(c.id, '/extend'), { token: c.token, body: { seconds: EXTEND_SECONDS } })
      .then(function (s) {
        if (c !== cur) return;
        renderSession(s);
        if (before && s.expires_at === before) toast('This app is already at its longest allowed lifetime.', 'warn');
        else toast('Extended. It now stays up until ' + fmtWhen(new Date(c.deadline)) + '.', 'ok');
      })
      .catch(function (err) { manageError(err, 'Extending'); })
      .then(function () { btn.disabled = false; });
  }

  function askDestroy() {
    var dlg = $('destroy-dialog');
    if (typeof dlg.showModal === 'function') {
      dlg.returnValue = '';
      dlg.showModal();
    } else if (window.confirm('Destroy this app now?')) {
      destroySession();
    }
  }

  function destroySession() {
    var c = cur;
    if (!c || !c.token) return;
    var btn = $('destroy');
    btn.disabled = true;
    api('DELETE', sessionPath(c.id), { token: c.token })
      .then(function (s) {
        if (c !== cur) return;
        renderSession(s);
        toast('Destroying the app…', 'info');
        // The stream ends with the destroyed event; if it already ended, poll once more.
        if (!c.ws && !c.polling) startPolling(c);
      })
      .catch(function (err) { manageError(err, 'Destroying'); })
      .then(function () { btn.disabled = false; });
  }

  function copyLink() {
    var url = $('app-link').href;
    var done = function () { toast('Link copied.', 'ok'); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, function () { fallbackCopy(url, done); });
    } else {
      fallbackCopy(url, done);
    }
  }

  function fallbackCopy(text, done) {
    var ta = h('textarea', { className: 'sr-only', readonly: true });
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    ta.remove();
    if (ok) done();
    else toast('Copy failed; select the link and copy it yourself.', 'warn');
  }

  // ---------------------------------------------------------------- recent list

  var recentFetched = Object.create(null);

  function renderRecent() {
    var list = recentSessions();
    var ul = $('recent-list');
    ul.textContent = '';
    show('recent-empty', list.length === 0);
    var pill = $('recent-count');
    pill.hidden = list.length === 0;
    pill.textContent = String(list.length);
    list.forEach(function (e) {
      var state = e.state || 'requested';
      var isCurrent = cur && cur.id === e.id;
      var open = h('button', {
        type: 'button', className: 'recent-open',
        'aria-current': isCurrent ? 'true' : null,
        onclick: function () {
          if (e.state === 'gone') return;
          openSession(e.id, { focus: true });
          window.scrollTo({ top: 0, behavior: 'smooth' });
        }
      },
        h('span', { className: 'state-badge', 'data-state': state, text: STATE_LABELS[state] || state }),
        h('span', { className: 'recent-text' },
          h('span', { className: 'recent-prompt', text: e.title ? e.title + ' — ' + e.prompt : e.prompt || e.id }),
          h('span', { className: 'recent-meta', text: (TYPE_LABELS[e.app_type] || e.app_type || '') + ' · ' + fmtAgo(e.created_at) + ' · ' + e.id })));
      var forget = h('button', {
        type: 'button', className: 'recent-forget', title: 'Forget this session in this browser',
        'aria-label': 'Forget session ' + e.id,
        onclick: function () { forgetRecent(e.id); }
      }, '×');
      ul.appendChild(h('li', { className: 'recent-item' + (isCurrent ? ' is-current' : '') }, open, forget));
    });
  }

  /** Refreshes the state of stored sessions that may have changed (not the finished ones). */
  function refreshRecentStates() {
    recentSessions().slice(0, 10).forEach(function (e) {
      if (e.state === 'destroyed' || e.state === 'gone' || recentFetched[e.id]) return;
      if (cur && cur.id === e.id) return;
      recentFetched[e.id] = true;
      api('GET', sessionPath(e.id), { token: e.token }).then(function (s) {
        updateRecent(e.id, { state: s.state });
      }).catch(function (err) {
        if (err instanceof ApiError && err.status === 404) updateRecent(e.id, { state: 'gone' });
      });
    });
  }

  // ---------------------------------------------------------------- wiring

  function init() {
    var ta = $('prompt');
    ta.addEventListener('input', function () { updateCounter(); autoGrow(); if ($('prompt-error').dataset.source === 'empty') clearFieldErrors(); });
    ta.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229 && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        submitPrompt();
      }
    });
    $('composer').addEventListener('submit', function (e) { e.preventDefault(); submitPrompt(); });
    Array.prototype.forEach.call(document.querySelectorAll('input[name="app_type"]'), function (r) {
      r.addEventListener('change', function () {
        if (!$('type-error').hidden) clearFieldErrors();
        syncSiteDetails();
      });
    });
    $('site-color').addEventListener('input', function () { $('site-color').dataset.touched = '1'; });
    syncSiteDetails();
    Array.prototype.forEach.call(document.querySelectorAll('.chip'), function (chip) {
      chip.addEventListener('click', function () {
        ta.value = chip.getAttribute('data-prompt');
        setType(chip.getAttribute('data-type'));
        clearFieldErrors();
        updateCounter();
        autoGrow();
        ta.focus();
      });
    });
    $('start-over').addEventListener('click', function () { startOver(); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-action="start-over"]'), function (b) {
      b.addEventListener('click', function () { startOver(); });
    });
    $('retry').addEventListener('click', function () {
      var s = cur && cur.session;
      if (!s) return startOver();
      var prompt = s.prompt, type = s.app_type;
      startOver(prompt, type);
      createSession(prompt, type);
    });
    $('extend').addEventListener('click', extendSession);
    $('destroy').addEventListener('click', askDestroy);
    $('destroy-dialog').addEventListener('close', function () {
      if ($('destroy-dialog').returnValue === 'confirm') destroySession();
      else $('destroy').focus();
    });
    $('download').addEventListener('click', function () { downloadCode($('download')); });
    $('download-ended').addEventListener('click', function () { downloadCode($('download-ended')); });
    $('copy-link').addEventListener('click', copyLink);
    $('turn-form').addEventListener('submit', function (e) { e.preventDefault(); sendTurn(); });
    $('turn-prompt').addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); sendTurn(); }
    });
    $('diff-close').addEventListener('click', function () { show('diff-box', false); });
    $('reload-preview').addEventListener('click', function () {
      if (!cur || !cur.session || !cur.session.app_url) return;
      cur.previewUrl = null;
      $('preview-wrap').textContent = '';
      setPreview(cur.session.app_url);
    });
    $('brand-link').addEventListener('click', function (e) {
      e.preventDefault();
      startOver();
    });
    window.addEventListener('storage', function (e) {
      if (e.key === STORE_KEY) renderRecent();
    });
    window.addEventListener('hashchange', function () {
      var id = hashSessionId();
      if (id && (!cur || cur.id !== id)) openSession(id);
    });

    setInterval(tickCountdown, 1000);
    setInterval(function () { if (!$('recent').hidden) renderRecentTimesOnly(); }, 60000);

    updateCounter();
    updateSendButton();
    renderRecent();

    var id = hashSessionId() || storageGet(CURRENT_KEY, null);
    if (typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id)) {
      openSession(id);
    } else {
      showComposer();
      // Ready to type at once, except on touch screens where that would pop up the keyboard.
      if (window.matchMedia && window.matchMedia('(pointer: fine)').matches) ta.focus();
    }
    refreshRecentStates();
  }

  function renderRecentTimesOnly() { renderRecent(); }

  function hashSessionId() {
    var m = /^#s=([A-Za-z0-9_-]{1,64})$/.exec(window.location.hash || '');
    return m ? m[1] : null;
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
