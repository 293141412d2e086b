// Moves the keyboard to the list of problems when a form comes back
// refused, so a screen reader announces it and the first fix is one Tab away.
document.addEventListener("DOMContentLoaded", function () {
  var problem = document.getElementById("problem");
  if (problem) { problem.focus(); }
});
