// A little enhancement; every page works without it.
// Move focus to the error summary so screen-reader and keyboard users hear what to fix.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
});
