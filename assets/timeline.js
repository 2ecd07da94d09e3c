/* A case page starts loading the chart's scripts (plotly.js and the graph component's chunk)
   at once, beside the app's own scripts, instead of when its chart is first mounted (after the
   page's layout has come back from the server): they are then ready when the figure arrives.
   The server names them in a meta tag by their fingerprinted names, which the browser caches
   (compiled) for a year; the graph component uses window.Plotly and its chunk when they are
   already there. */
(function () {
  if (window.Plotly || !/\/cases\/[^/]+\/?$/.test(window.location.pathname)) { return; }
  var meta = document.querySelector('meta[name="rpm-chart-scripts"]');
  if (!meta) { return; }
  var config = document.getElementById('_dash-config');
  var prefix = '/';
  try { prefix = JSON.parse(config.textContent).requests_pathname_prefix || '/'; } catch (e) { /* default */ }
  // Until plotly.js has run, window.Plotly is a promise of it: the graph component, mounted
  // before then, would otherwise fetch and compile plotly.js a second time by its plain name
  // (it waits on window.Plotly when there is one). plotly.js replaces it with itself.
  var waiting = [];
  window.Plotly = {then: function (resolve, reject) { waiting.push([resolve, reject]); }};
  function settle(loaded) {
    if (!loaded) { delete window.Plotly; }  // the graph component's own loader's error
    waiting.splice(0).forEach(function (w) {
      if (loaded) { w[0](); } else { w[1](new Error('plotly.js did not load')); }
    });
  }
  meta.content.split(' ').forEach(function (path) {
    var script = document.createElement('script');
    script.src = prefix + '_dash-component-suites/' + path;
    script.async = true;
    if (path.indexOf('plotly/') === 0) {
      script.onload = function () { settle(true); };
      script.onerror = function () { settle(false); };
    }
    document.head.appendChild(script);
  });
})();

/* What the page's pieces below wait for (the chart, its key, its stage, the tabs under it)
   appears when Dash draws it, and again whenever Dash replaces it. `rpmWhenNew(find, then)`
   calls `then` with what `find` finds each time it is not what was found last; one observer
   of the page's content asks every `find`, and only while what it found last has left the
   page (Dash's renders change the page many times a second while it builds). */
(function () {
  var watchers = [];
  function look(watcher) {
    if (watcher.last && watcher.last.isConnected) { return; }
    var found = watcher.find();
    if (found && found !== watcher.last) {
      watcher.last = found;
      watcher.then(found);
    }
  }
  window.rpmWhenNew = function (find, then) {
    var watcher = {find: find, then: then, last: null};
    watchers.push(watcher);
    look(watcher);
  };
  // the timeline's chart, once Plotly has drawn it (and given it `on` for its events)
  window.rpmDrawnChart = function () {
    var gd = document.querySelector('#timeline-graph .js-plotly-plot');
    return gd && typeof gd.on === 'function' ? gd : null;
  };
  new MutationObserver(function () { watchers.forEach(look); })
    .observe(document.body, {childList: true, subtree: true});
})();

/* Timeline page: the left and right arrow keys step to the previous and next event
   (they press the page's "Previous event" / "Next event" buttons), unless the user is
   typing in a field or working a control that uses the arrow keys itself. */
(function () {
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') { return; }
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var target = event.target;
    var tag = target && target.tagName ? target.tagName.toLowerCase() : '';
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || (target && target.isContentEditable)) {
      return;
    }
    if (target && target.closest && target.closest('[role="listbox"], [role="combobox"], [role="slider"], [role="tablist"]')) {
      return;
    }
    var button = document.getElementById(event.key === 'ArrowLeft' ? 'tl-prev' : 'tl-next');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  /* In a tab strip the arrow keys (and Home / End) move to the previous / next tab and open
     it, as a tab list does (WAI-ARIA tabs pattern). */
  document.addEventListener('keydown', function (event) {
    var tab = event.target && event.target.closest ? event.target.closest('[role="tab"]') : null;
    var list = tab && tab.closest('[role="tablist"]');
    if (!list || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var tabs = Array.prototype.slice.call(list.querySelectorAll('[role="tab"]'));
    var at = tabs.indexOf(tab), n = tabs.length, to = null;
    if (event.key === 'ArrowRight') { to = (at + 1) % n; }
    else if (event.key === 'ArrowLeft') { to = (at - 1 + n) % n; }
    else if (event.key === 'Home') { to = 0; }
    else if (event.key === 'End') { to = n - 1; }
    if (to === null) { return; }
    event.preventDefault();
    tabs[to].focus();
    tabs[to].click();
  });

  /* The page's change poll stops while the tab is hidden (another tab, a minimised window)
     and asks at once when it is shown again. */
  document.addEventListener('visibilitychange', function () {
    var clientside = window.dash_clientside;
    if (!clientside || !clientside.set_props || !document.getElementById('tl-poll')) { return; }
    clientside.set_props('tl-poll', {disabled: document.hidden});
    if (!document.hidden) {
      clientside.set_props('tl-poll', {n_intervals: Date.now() % 1000000});
    }
  });
})();

/* The chart and the side panel fill the window below the toolbar, whatever the header's
   height (presentation mode hides its menus), so the chart, the selected point's details and
   the reflection form are all on one screen. */
(function () {
  // `quiet`: the caller redraws the chart itself (presentation mode's toggle, whose one redraw
  // then takes the new size: a second, for the resize, doubled the toggle's time).
  function fit(quiet) {
    var stage = document.querySelector('.rpm-tl-stage');
    if (!stage) { return; }
    fittedClasses = document.body.className;
    var top = stage.getBoundingClientRect().top + window.scrollY;
    // the known-at-the-time lens's bar, fixed at the window's foot while a lens is on
    var bar = document.body.classList.contains('rpm-lens-on') && document.getElementById('tl-lens-stepper');
    var below = bar ? bar.offsetHeight : 0;
    var height = Math.floor(Math.max(window.innerHeight - top - 8 - below, 420)) + 'px';
    if (stage.style.height !== height && !fitting) {
      stage.style.height = height;
      if (quiet === true) { return; }
      fitting = true;
      window.dispatchEvent(new Event('resize'));  // the chart redraws to its new size
      fitting = false;
    }
  }
  window.rpmFit = fit;
  var fitting = false;
  var fittedClasses = null;  // <body>'s classes when the stage was last fitted
  // Fit when the page's stage first appears (not looked for on every frame: that kept the
  // browser drawing frames, and using a processor, as long as the page was open), on resizes,
  // and when presentation mode changes the header's height.
  // What sits above the stage (the heading, the toolbar) can change height after the class
  // does (the presentation button's longer label wraps the toolbar): refit when it does.
  var above = window.ResizeObserver ? new ResizeObserver(function () { fit(); }) : null;
  window.rpmWhenNew(function () { return document.querySelector('.rpm-tl-stage'); }, function (stage) {
    if (above) { above.disconnect(); }
    // A case page opens as its layout says (no presentation, no lens, summaries shown) and
    // runs no callback to say so: what a page left behind on <body> goes.
    document.body.classList.remove('rpm-presenting', 'rpm-lens-on', 'rpm-hide-summaries');
    for (var el = stage.previousElementSibling; el && above; el = el.previousElementSibling) {
      above.observe(el);
    }
    fit();
  });
  window.addEventListener('resize', function () { if (!fitting) { fit(); } });
  // (presentation mode fits the stage itself as it changes the class: measuring again here, once
  // the chart has been redrawn, made the browser lay the page out a second time)
  new MutationObserver(function () {
    if (document.body.className !== fittedClasses) { fit(); }
  }).observe(document.body, {attributes: true, attributeFilter: ['class']});
})();

/* Presentation mode: a class on <body> (larger type, the header's menus hidden) and the chart
   redrawn once at the new size with the case's presentation sizes (tl-case's `presentation`).
   Applied in the click itself, before Dash hears of it; Dash's callback on the button (app/
   timeline/figure.py) then labels the button, and applies the mode only if this did not. */
(function () {
  function apply(on, caseData) {
    if (document.body.classList.contains('rpm-presenting') === on) { return; }
    document.body.classList.toggle('rpm-presenting', on);
    if (window.rpmFit) { window.rpmFit(true); }  // the stage's new height, for one redraw
    var gd = document.querySelector('#timeline-graph .js-plotly-plot');
    var update = caseData && caseData.presentation && caseData.presentation[on ? 'on' : 'off'];
    if (!update || !gd || !gd.data || !gd._fullLayout || !window.Plotly) { return; }
    var layout = Object.assign({}, update.layout);
    // the lane labels' margin (lane_label_margin) grows with their font size
    var gap = update.lane_label_gap, was = gd._fullLayout.yaxis.tickfont.size;
    layout['margin.l'] = Math.ceil((gd._fullLayout.margin.l - gap)
      * update.layout['yaxis.tickfont.size'] / was) + gap;
    // the x axis's labels (and the age axis's title) at their new size (bottom_margin)
    layout['margin.b'] = update.bottom_margin[gd._fullLayout.xaxis.type === 'date' ? 'date' : 'age'];
    (gd.layout.shapes || []).forEach(function (shape, i) {
      var kind = String(shape.name || '').split(':')[0];
      if (update.shape_labels[kind]) {
        layout['shapes[' + i + '].label.font.size'] = update.shape_labels[kind];
      }
    });
    var traces = {};
    Object.keys(update.traces).forEach(function (key) {
      traces[key] = update.traces[key].slice(0, gd.data.length);
    });
    // drawn at the frame's new size in this one redraw (Plotly's update keeps the old size:
    // the resize that followed was a second redraw), then sized by its frame again
    var frame = window.getComputedStyle(gd);  // what Plotly's autosize reads
    layout.width = parseFloat(frame.width);
    layout.height = parseFloat(frame.height);
    window.Plotly.update(gd, traces, layout);
    delete gd.layout.width;
    delete gd.layout.height;
  }

  function caseData() {
    var api = window.dash_component_api, store = api && api.getLayout && api.getLayout('tl-case');
    return store && store.props ? store.props.data : null;
  }

  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('#tl-present') : null;
    var data = button && !button.disabled ? caseData() : null;
    // without the case's sizes, Dash's callback applies the mode (it has them)
    if (data && data.presentation) {
      apply(!document.body.classList.contains('rpm-presenting'), data);
    }
  }, true);

  window.rpmPresentation = {apply: apply};
})();

/* The chart's key above it (components/chart_key.py): each entry shows while its trace is
   listed (`showlegend`), its button says whether the trace is shown, and the summary's words
   follow the chart, after every redraw and whenever Dash replaces the key. A button hides or
   shows its trace; the traces it hides (by name) stay hidden through every redraw of the
   figure the server sends (dcc.Graph's Plotly.react), on this page. */
(function () {
  var hiddenNames = new Set();

  function graph() { return document.querySelector('#timeline-graph .js-plotly-plot'); }

  function sync() {
    var gd = graph(), key = document.getElementById('tl-cat-legend');
    if (!gd || !gd.data || !key) { return; }
    key.querySelectorAll('[data-trace]').forEach(function (el) {
      var trace = gd.data[Number(el.dataset.trace)], item = el.parentNode;
      var hide = !trace || trace.showlegend === false;
      if (item.hidden !== hide) { item.hidden = hide; }
      if (!trace) { return; }
      if (el.tagName === 'BUTTON') {
        var pressed = trace.visible === 'legendonly' ? 'false' : 'true';
        if (el.getAttribute('aria-pressed') !== pressed) { el.setAttribute('aria-pressed', pressed); }
      }
      // the name is the entry's text (its picture is its background)
      var name = el.dataset.liveName && el.lastChild;
      if (name && name.nodeType === 3 && trace.name && name.nodeValue !== trace.name) {
        name.nodeValue = trace.name;
      }
    });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('#tl-cat-legend button[data-trace]');
    var gd = button && graph(), index = button ? Number(button.dataset.trace) : -1;
    var trace = gd && gd.data && gd.data[index];
    if (!trace || !window.Plotly) { return; }
    var shown = trace.visible !== 'legendonly';
    hiddenNames[shown ? 'add' : 'delete'](trace.name);
    window.Plotly.restyle(gd, {visible: shown ? 'legendonly' : true}, [index]);
  });

  // The figure dcc.Graph draws (Plotly.react(gd, figure)) keeps the traces the key hid.
  function keepHidden() {
    var plotly = window.Plotly;
    if (!plotly || plotly.react.rpmKeyKept) { return; }
    var react = plotly.react;
    plotly.react = function (gd, figure) {
      var traces = figure && Array.isArray(figure.data) ? figure.data : figure;
      if (hiddenNames.size && Array.isArray(traces) && gd === graph()) {
        traces.forEach(function (t) {
          if (t && hiddenNames.has(t.name)) { t.visible = 'legendonly'; }
        });
      }
      return react.apply(this, arguments);
    };
    plotly.react.rpmKeyKept = true;
  }

  window.rpmWhenNew(window.rpmDrawnChart, function (gd) {
    hiddenNames.clear();  // another case's chart
    ['plotly_afterplot', 'plotly_restyle'].forEach(function (name) { gd.on(name, sync); });
    keepHidden();
  });
  var keyObserver = new MutationObserver(sync);
  window.rpmWhenNew(function () { return document.getElementById('tl-cat-legend'); }, function (key) {
    keyObserver.disconnect();
    keyObserver.observe(key, {childList: true});
    sync();
  });
})();

/* The tabs under the chart are built when first opened or first scrolled into view
   (app/timeline/tabs.py): tell the page when they come into view, once per page. */
(function () {
  if (!window.IntersectionObserver) { return; }
  var observer = new IntersectionObserver(function (entries) {
    if (!entries.some(function (e) { return e.isIntersecting; })) { return; }
    observer.disconnect();
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props('tl-tabs-seen', {data: true});
    }
  });
  window.rpmWhenNew(function () { return document.getElementById('tl-below'); }, function (below) {
    observer.disconnect();
    observer.observe(below);
  });
})();

/* The chart's size, and the selected event's ring drawn over the chart (not a Plotly shape:
   moving a shape made Plotly redraw the whole chart, 70-200 ms of every click). The ring sits
   over the marker that carries the event's id in the chart's own arrays, and is placed again
   after every redraw (zoom, filters, resize, presentation mode); an event the chart does not
   show has no ring. */
(function () {
  var eventId = null, hooked = null;

  function markerOf(gd, id) {
    var at = null;
    (gd._fullData || []).forEach(function (t) {
      if (at || t.visible !== true || t.mode !== 'markers' || !t.customdata
          || t.legendrank >= 100) { return; }
      for (var i = 0; i < t.customdata.length; i++) {
        if (Number(t.customdata[i]) === id) { at = [Number(t.x[i]), Number(t.y[i])]; return; }
      }
    });
    return at;
  }

  function place() {
    var ring = document.getElementById('tl-ring');
    var gd = document.querySelector('#timeline-graph .js-plotly-plot');
    if (!ring) { return; }
    var layout = gd && gd._fullLayout, at = layout && eventId !== null && markerOf(gd, eventId);
    var xa = layout && layout.xaxis, ya = layout && layout.yaxis;
    var px = at && xa.l2p(xa.d2l(at[0])), py = at && ya.l2p(ya.d2l(at[1]));
    var inside = at && px >= 0 && px <= xa._length && py >= 0 && py <= ya._length;
    ring.hidden = !inside;
    ring.dataset.ringed = inside ? String(eventId) : '';
    if (!inside) { return; }
    var on = document.body.classList.contains('rpm-presenting');
    var size = Number(on ? ring.dataset.sizePresenting : ring.dataset.size);
    var box = gd.getBoundingClientRect(), frame = ring.offsetParent.getBoundingClientRect();
    ring.style.width = ring.style.height = size + 'px';
    ring.style.borderWidth = (on ? ring.dataset.linePresenting : ring.dataset.line) + 'px';
    ring.style.left = (box.left - frame.left + xa._offset + px - size / 2) + 'px';
    ring.style.top = (box.top - frame.top + ya._offset + py - size / 2) + 'px';
  }

  // dcc.Graph resizes the chart whenever its frame changes, and Plotly redraws it whole even
  // when its size is already the frame's (presentation mode's one redraw takes the new size):
  // a resize to the size the chart has is skipped.
  function skipSameSizeResizes() {
    var plots = window.Plotly && window.Plotly.Plots;
    if (!plots || plots.resize.rpmSameSizeSkipped) { return; }
    var resize = plots.resize;
    plots.resize = function (gd) {
      var layout = gd && gd._fullLayout, frame = layout && window.getComputedStyle(gd);
      if (frame && Math.abs(parseFloat(frame.width) - layout.width) <= 1
          && Math.abs(parseFloat(frame.height) - layout.height) <= 1) {
        return Promise.resolve(gd);
      }
      return resize.apply(this, arguments);
    };
    plots.resize.rpmSameSizeSkipped = true;
  }

  // a chart hooked once, whether first by a selection (`show`) or when it appears
  function hook(gd) {
    if (!gd || gd === hooked) { return; }
    hooked = gd;
    eventId = null;  // a new page's chart: its selection starts on the case as a whole
    ['plotly_afterplot', 'plotly_relayout', 'plotly_relayouting', 'plotly_restyle']
      .forEach(function (name) { gd.on(name, place); });
    skipSameSizeResizes();
  }

  window.rpmRing = {
    show: function (id) { hook(window.rpmDrawnChart()); eventId = id; place(); },
    place: place
  };
  window.rpmWhenNew(window.rpmDrawnChart, hook);
})();

/* The known-at-the-time lens greys through the category traces' `selectedpoints`, and a link
   draws its arrowhead through them; a box-select or lasso on the chart sets them too. Plotly
   works them out again from the selection after every redraw, so the lens's greying was lost
   while a selection stood (and gone when it was cleared), and a link inside the box drew an
   arrowhead at its sending end, one outside none. Each such trace says in its `meta` which
   points it shows: `lens_known` (null with no lens), of which a selection selects only those
   inside it, or `drawn_points`, which a selection leaves as they are. Once a selection is
   cleared they are shown again. */
(function () {
  function kept(trace) {
    var meta = trace && trace.meta;
    if (meta && Array.isArray(meta.drawn_points)) { return {points: meta.drawn_points, fixed: true}; }
    if (meta && Array.isArray(meta.lens_known)) { return {points: meta.lens_known, fixed: false}; }
    return null;
  }

  // Plotly's own selection of a trace's points, kept to those its meta names (the module is
  // shared by every trace of its type: wrapped once)
  function keepSelection(module) {
    if (!module || typeof module.selectPoints !== 'function' || module.selectPoints.rpmKept) {
      return;
    }
    var selectPoints = module.selectPoints;
    module.selectPoints = function (searchInfo, tester) {
      var found = selectPoints.apply(this, arguments);
      var points = searchInfo && searchInfo.cd;
      var keep = points && points.length && tester !== false ? kept(points[0].trace) : null;
      if (!keep || !Array.isArray(found)) { return found; }
      var shown = new Set(keep.points);
      if (keep.fixed) {
        var xa = searchInfo.xaxis, ya = searchInfo.yaxis;
        points.forEach(function (point) { point.selected = shown.has(point.i) ? 1 : 0; });
        return points.filter(function (point) { return shown.has(point.i); }).map(
          function (point) { return {pointNumber: point.i, x: xa.c2d(point.x), y: ya.c2d(point.y)}; });
      }
      points.forEach(function (point) {
        if (point.selected && !shown.has(point.i)) { point.selected = 0; }
      });
      return found.filter(function (point) { return shown.has(point.pointNumber); });
    };
    module.selectPoints.rpmKept = true;
  }

  // With no selection standing, each trace shows its own points again (Plotly clears them all
  // when a selection is cleared, after its deselect event: this runs on its relayout after it)
  function showKept(gd) {
    if (((gd.layout || {}).selections || []).length || !window.Plotly) { return; }
    var at = [], points = [];
    (gd._fullData || []).forEach(function (trace) {
      var keep = kept(trace);
      if (keep && JSON.stringify(trace._input.selectedpoints) !== JSON.stringify(keep.points)) {
        at.push(trace.index);
        points.push(keep.points);
      }
    });
    if (at.length) { window.Plotly.restyle(gd, {selectedpoints: points}, at); }
  }

  window.rpmWhenNew(window.rpmDrawnChart, function (gd) {
    gd.on('plotly_afterplot', function () {
      (gd._fullData || []).forEach(function (trace) { keepSelection(trace._module); });
    });
    gd.on('plotly_relayout', function () { showKept(gd); });
  });
})();
