/* Documents that take a while to make (a learning log drawing its timeline, a PDF) show their
   progress: the page fetches the document itself, says beside the link that it is being
   prepared and for how long, then saves it under the server's file name; a refusal is shown
   in the server's words (the server answers a marked request's refusal with 200 and
   X-RPM-Refused, so the console stays clean). Print pages (new tabs) are left to the browser.
*/
(function () {
  "use strict";
  var DOCUMENT_LINKS = 'a[href*="/documents/"]:not([target="_blank"]), a[href*="/briefing?"],'
    + ' a[href*="/crc/summaries/"]';

  function statusFor(link) {
    var next = link.nextElementSibling;
    if (next && next.classList.contains("rpm-download-status")) { return next; }
    var status = document.createElement("span");
    status.className = "rpm-download-status ms-2";
    status.setAttribute("role", "status");
    link.insertAdjacentElement("afterend", status);
    return status;
  }

  function fileName(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : "document";
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(DOCUMENT_LINKS);
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey
        || event.metaKey || event.shiftKey || event.altKey) { return; }
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") { return; }
    var status = statusFor(link);
    var started = Date.now();
    link.setAttribute("aria-busy", "true");
    status.classList.remove("rpm-download-failed");
    status.textContent = "Preparing the document\u2026";
    var ticker = setInterval(function () {
      var seconds = Math.round((Date.now() - started) / 1000);
      status.textContent = "Preparing the document\u2026 " + seconds + " s";
    }, 1000);
    function done(text, failed) {
      clearInterval(ticker);
      link.removeAttribute("aria-busy");
      status.textContent = text;
      status.classList.toggle("rpm-download-failed", !!failed);
    }
    window.fetch(link.href, {
      credentials: "same-origin", cache: "no-store", headers: { "X-RPM-Download": "1" }
    })
      .then(function (response) {
        if (response.redirected) {  // to the sign-in page: the session has ended
          done("Your session has ended: sign in again to download it.", true);
          return null;
        }
        if (!response.ok || response.headers.get("X-RPM-Refused")) {
          return response.text().then(function (text) {
            done(text.slice(0, 300) || "The document could not be produced.", true);
          });
        }
        var name = fileName(response);
        return response.blob().then(function (blob) {
          save(blob, name);
          done("Downloaded " + name + ".", false);
        });
      })
      .catch(function () { done("The document could not be fetched: try again.", true); });
  });
})();
