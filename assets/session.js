/* Sessions that end on an unattended screen.

   - Marks the page's callback requests that a person started (a click, a key, an edit in the
     last few seconds) with the X-RPM-Activity header; only those keep the session alive on the
     server (app/auth.py). Polling and other requests the page makes by itself never do.
   - When a person uses the page without any callback reaching the server (a selection made
     in the browser, keys, scrolling), reports it with POST /_rpm/activity, at most every few
     seconds.
   - Asks /_rpm/session (which never extends the session) how long is left; when the session
     has ended, covers the page with "signed out ... sign in again" and sends nothing more, so
     the child's case is not left on the screen.
*/
(function () {
  "use strict";
  var ACTIVITY_MS = 5000;
  var REPORT_MS = 5000;
  var lastInput = 0;
  var lastReport = 0;
  var reportTimer = null;
  var deadline = Infinity;
  var signedOut = false;
  var checking = null;
  var timer = null;
  var realFetch = window.fetch.bind(window);
  var never = function () { return new Promise(function () {}); };

  ["pointerdown", "keydown", "input", "change", "wheel", "touchstart"].forEach(function (type) {
    window.addEventListener(type, function (e) {
      if (e.isTrusted) { noteInput(); }
    }, { capture: true, passive: true });
  });

  function noteInput() {
    lastInput = Date.now();
    if (reportTimer || signedOut) { return; }
    reportTimer = setTimeout(report, Math.max(0, lastReport + REPORT_MS - lastInput));
  }

  // A person's input, told to the server even when no callback carries it.
  function report() {
    reportTimer = null;
    if (signedOut) { return; }
    lastReport = Date.now();
    realFetch("/_rpm/activity", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "X-RPM-Activity": "1" }
    }).then(function (r) {
      return r.status === 200 ? r.json().then(apply) : check();
    }).catch(function () {});
  }

  function apply(state) {
    if (!state.signed_in) {
      cover(state.message);
    } else {
      deadline = Date.now() + state.seconds_left * 1000;
      clearTimeout(timer);
      // Ask again just after the deadline (or within a minute: another tab may be active).
      timer = setTimeout(check, Math.min(state.seconds_left * 1000 + 500, 60000));
    }
  }

  function recentInput() { return Date.now() - lastInput < ACTIVITY_MS; }
  function isCallback(input) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    return url.indexOf("_dash-update-component") !== -1;
  }

  function cover(message) {
    if (signedOut) { return; }
    signedOut = true;
    clearTimeout(timer);
    Array.prototype.forEach.call(document.body.children, function (el) {
      el.setAttribute("inert", "");
      el.setAttribute("aria-hidden", "true");
      el.style.display = "none";
    });
    var next = encodeURIComponent(location.pathname + location.search);
    var box = document.createElement("div");
    box.id = "rpm-signed-out";
    box.className = "rpm-signed-out";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-labelledby", "rpm-signed-out-title");
    box.setAttribute("aria-describedby", "rpm-signed-out-text");
    var inner = document.createElement("div");
    inner.className = "rpm-signed-out-box";
    var title = document.createElement("h1");
    title.id = "rpm-signed-out-title";
    title.textContent = "Signed out";
    var text = document.createElement("p");
    text.id = "rpm-signed-out-text";
    text.textContent = message + " The case is hidden until you sign in again.";
    var link = document.createElement("a");
    link.href = "/login?next=" + next;
    link.className = "btn btn-primary btn-lg";
    link.id = "rpm-sign-in-again";
    link.textContent = "Sign in again";
    inner.appendChild(title);
    inner.appendChild(text);
    inner.appendChild(link);
    box.appendChild(inner);
    document.body.appendChild(box);
    link.focus();
  }

  function check() {
    if (!checking) {
      checking = realFetch("/_rpm/session", { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(apply)
        .catch(function () { timer = setTimeout(check, 10000); })
        .finally(function () { checking = null; });
    }
    return checking;
  }

  window.fetch = function (input, init) {
    if (!isCallback(input)) { return realFetch(input, init); }
    if (signedOut) { return never(); }
    var person = recentInput();
    var ready = (!person && Date.now() >= deadline - 1000) ? check() : Promise.resolve();
    return ready.then(function () {
      if (signedOut) { return never(); }
      init = Object.assign({}, init || {});
      var headers = new Headers(init.headers || {});
      if (person) { headers.set("X-RPM-Activity", "1"); }
      init.headers = headers;
      return realFetch(input, init).then(function (response) {
        if (response.status === 401) {
          return check().then(never);
        }
        return response;
      });
    });
  };

  check();
})();
