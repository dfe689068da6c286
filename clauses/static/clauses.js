// Clauses: the little the pages ask of the browser. Everything is in this file: the
// Content-Security-Policy allows no script written in a page.

// A form, or the button that sends it, with data-confirm="Question?" asks before it is sent.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question =
    (button && button.getAttribute("data-confirm")) ||
    event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
