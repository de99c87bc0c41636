// Progressive enhancement of the search page (it works without this): ticking a facet applies the
// filters at once (the page says so above the facets), and after the page reloads the keyboard focus
// is back on the box that was ticked, so a keyboard or screen-reader user can go on ticking. On a
// narrow screen the facets start folded. Empty year boxes are left out of the URL (no "from=&to=").
(function () {
  var form = document.querySelector("form.facets");
  if (!form) return;
  var KEY = "alliance-refocus";
  try {
    var id = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
    var again = id && document.getElementById(id);
    if (again) again.focus();
  } catch (e) { /* storage may be off: no refocus, nothing else lost */ }
  function dropEmpty() {
    var boxes = form.querySelectorAll("input[type=text]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].value.trim() === "") boxes[i].disabled = true;  // a disabled control is not sent
    }
  }
  window.addEventListener("pageshow", function () {  // back to this page: the boxes work again
    var boxes = form.querySelectorAll("input[type=text]");
    for (var i = 0; i < boxes.length; i++) boxes[i].disabled = false;
  });
  form.addEventListener("submit", dropEmpty);
  form.addEventListener("change", function (event) {
    if (event.target.type !== "checkbox") return;
    try { window.sessionStorage.setItem(KEY, event.target.id); } catch (e) { /* see above */ }
    dropEmpty();
    form.submit();
  });
  var refine = document.getElementById("refine");
  if (refine && !document.activeElement.closest("#refine") && window.matchMedia &&
      window.matchMedia("(max-width: 48rem)").matches) {
    refine.removeAttribute("open");
  }
})();
