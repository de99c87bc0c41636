/* The SPARQL page's query editor: YASGUI (web/static/vendor/yasgui/, served from this site, no CDN)
   in place of the plain form, which stays as the page without JavaScript. The endpoint is this
   server's /sparql; the example queries are offered in a pick list that opens them in the editor. */
(function () {
  "use strict";

  function start() {
    var host = document.getElementById("query-editor");
    var form = document.querySelector("form.sparql");
    if (!host || !form || typeof window.Yasgui === "undefined") {
      return; // the plain form stays
    }
    var Yasgui = window.Yasgui;
    var examples = JSON.parse(document.getElementById("sparql-examples").textContent);
    var endpoint = new URL(host.getAttribute("data-endpoint"), window.location.href).href;
    var textarea = form.querySelector("textarea[name=query]");

    // The "property" and "class" completers ask a vocabulary service on the internet (LOV);
    // the prefix completer uses its bundled list, the variable completer the query itself.
    Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(function (name) {
      return name !== "property" && name !== "class";
    });

    host.hidden = false;
    form.hidden = true;
    var yasgui = new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      copyEndpointOnNewTab: true,
      persistenceId: null, // every visit starts from this page's query, not from stored tabs
      populateFromUrl: false,
      autofocus: false,
      yasqe: { value: textarea.value }
    });
    window.allianceYasgui = yasgui; // for the browser test and developers' consoles

    // Results the server rendered for the plain form give way to YASGUI's once it runs a query.
    yasgui.on("query", function () {
      var old = document.getElementById("server-results");
      if (old) {
        old.hidden = true;
      }
    });

    var pick = document.getElementById("example-pick");
    pick.addEventListener("change", function () {
      if (pick.value === "") {
        return;
      }
      var tab = yasgui.getTab();
      tab.setQuery(examples[Number(pick.value)]);
      tab.setName(pick.options[pick.selectedIndex].text);
      tab.getYasqe().focus();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
