/* The timeline's anonymised view (app/anonymised_view.py).

   While the address of a case's timeline says view=anonymised, every callback request the page
   makes carries the X-RPM-Anonymised header naming the case, and the server replaces the
   names of the case's people by their role labels in its answer: no name reaches the browser.
   The address is the one place the choice lives, so a reload or a shared link keeps it.
*/
(function () {
  "use strict";
  var realFetch = window.fetch.bind(window);

  function anonymisedCase() {
    var match = /\/cases\/([^/]+)\/?$/.exec(window.location.pathname);
    if (!match || new URLSearchParams(window.location.search).get("view") !== "anonymised") {
      return null;
    }
    return decodeURIComponent(match[1]);
  }

  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    var caseRef = url.indexOf("_dash-update-component") !== -1 ? anonymisedCase() : null;
    if (caseRef === null) { return realFetch(input, init); }
    init = Object.assign({}, init || {});
    var headers = new Headers(init.headers || {});
    headers.set("X-RPM-Anonymised", caseRef);
    init.headers = headers;
    return realFetch(input, init);
  };
})();
