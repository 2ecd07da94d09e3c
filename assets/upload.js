// Upload page: say at once why a file over the size limit is refused. dcc.Upload's
// max_size refuses it silently; the server refuses larger requests too (413).
(function () {
  function check(files, target) {
    var wrap = target && target.closest ? target.closest("[data-max-bytes]") : null;
    var box = document.getElementById("upload-size-error");
    if (!wrap || !box || !files || !files.length) return;
    var max = parseInt(wrap.getAttribute("data-max-bytes"), 10);
    var file = files[0];
    if (file.size > max) {
      box.textContent = file.name + " is " + (file.size / 1048576).toFixed(1) +
        " MB, over the " + Math.floor(max / 1048576) + " MB limit: send it in parts " +
        "(for example one file per year), or ask the business unit to load it with the command line.";
    } else {
      box.textContent = "";
    }
  }
  document.addEventListener("change", function (e) {
    if (e.target && e.target.type === "file") check(e.target.files, e.target);
  }, true);
  document.addEventListener("drop", function (e) {
    check(e.dataTransfer && e.dataTransfer.files, e.target);
  }, true);
})();

// dcc.Upload renders its file input without an id; name it by the page's label so screen
// readers announce it (the input is in the tab order; Enter or Space opens the file dialog).
(function () {
  function label() {
    var input = document.querySelector("#upload-file input[type=file]");
    if (input && !input.hasAttribute("aria-labelledby") && document.getElementById("upload-file-label")) {
      input.setAttribute("aria-labelledby", "upload-file-label");
    }
  }
  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });
})();
