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
    if (target && target.closest && target.closest('[role="listbox"], [role="combobox"], [role="slider"]')) {
      return;
    }
    var button = document.getElementById(event.key === 'ArrowLeft' ? 'tl-prev' : 'tl-next');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
