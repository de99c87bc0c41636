// Progressive enhancement of the search page: ticking a facet or leaving a year box applies
// the filters (the page says so above the facets); on a narrow screen the facets start folded.
(function () {
  var form = document.querySelector("form.facets");
  if (!form) return;
  form.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") form.submit();
  });
  var refine = document.getElementById("refine");
  if (refine && window.matchMedia && window.matchMedia("(max-width: 48rem)").matches) {
    refine.removeAttribute("open");
  }
})();
