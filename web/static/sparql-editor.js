/* The SPARQL page's query editor: YASGUI (web/static/vendor/yasgui/, served from this site, no CDN)
   in place of the plain form, which stays as the page without JavaScript. The endpoint is this
   server's /sparql; the example queries are offered in a pick list that opens them in the editor.
   Results start in the table's "simple view" (167, not "167"^^<xsd:integer>; the switch shows the
   terms in full), and on the Chinese page the editor's own English words are replaced by the page's
   (vocab/labels.py, in #editor-labels), as YASGUI draws them. */
(function () {
  "use strict";

  var ATTRIBUTES = ["title", "aria-label", "placeholder"];

  function translator(labels) {
    var words = labels.words || {};
    var patterns = (labels.patterns || []).map(function (p) { return [new RegExp(p[0]), p[1]]; });
    function say(text) {
      var trimmed = text.trim();
      if (!trimmed) return text;
      if (Object.prototype.hasOwnProperty.call(words, trimmed)) return text.replace(trimmed, words[trimmed]);
      for (var i = 0; i < patterns.length; i++) {
        if (patterns[i][0].test(trimmed)) return text.replace(trimmed, trimmed.replace(patterns[i][0], patterns[i][1]));
      }
      return text;
    }
    function walk(root) {
      if (root.nodeType === Node.TEXT_NODE) {
        if (root.parentNode && root.parentNode.closest && root.parentNode.closest(".CodeMirror-lines")) return;
        var said = say(root.nodeValue);
        if (said !== root.nodeValue) root.nodeValue = said;
        return;
      }
      if (root.nodeType !== Node.ELEMENT_NODE || root.classList.contains("CodeMirror-lines")) return;  // the query
      ATTRIBUTES.forEach(function (name) {
        var value = root.getAttribute(name);
        if (value) {
          var said = say(value);
          if (said !== value) root.setAttribute(name, said);
        }
      });
      for (var child = root.firstChild; child; child = child.nextSibling) walk(child);
    }
    return walk;
  }

  // YASGUI leaves three controls without a name (the query, the endpoint box, the rows-per-page list): name them,
  // as a screen reader needs (axe: label, select-name)
  function nameControls(host, names) {
    var named = [[host.querySelectorAll("input.autocomplete"), names.endpoint],
                 [host.querySelectorAll(".CodeMirror textarea"), names.query],
                 [host.querySelectorAll("select.tableSizer"), names.page_size]];
    named.forEach(function (pair) {
      for (var i = 0; i < pair[0].length; i++) {
        if (pair[1] && pair[0][i].getAttribute("aria-label") !== pair[1]) pair[0][i].setAttribute("aria-label", pair[1]);
      }
    });
  }

  function localise(host) {
    var node = document.getElementById("editor-labels");
    var labels = node ? JSON.parse(node.textContent) : {};
    var names = labels.names || {};
    var walk = labels.words && Object.keys(labels.words).length ? translator(labels) : function () {};
    walk(host);
    nameControls(host, names);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "attributes") walk(change.target);
        else if (change.type === "characterData") walk(change.target);
        else change.addedNodes.forEach(walk);
      });
      nameControls(host, names);
    }).observe(host, { childList: true, subtree: true, characterData: true, attributes: true,
                       attributeFilter: ATTRIBUTES });
  }

  function simpleViewFirst(Yasgui) {
    var table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
    if (!table || table.prototype.allianceSimpleView) return;
    var draw = table.prototype.draw;
    table.prototype.draw = function (config) {
      return draw.call(this, Object.assign({ compact: true }, config || {}));
    };
    table.prototype.allianceSimpleView = true;
  }

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

    simpleViewFirst(Yasgui);
    localise(document.getElementById("yasgui"));
    host.hidden = false;
    form.hidden = true;
    var yasgui = new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      copyEndpointOnNewTab: true,
      persistenceId: null, // every visit starts from this page's query, not from stored tabs
      populateFromUrl: false,
      autofocus: false,
      // long lines wrap and the editor grows with its query: no region that scrolls on its own, which a
      // keyboard could not reach (axe: scrollable-region-focusable), and no sideways scrolling on a phone
      yasqe: { value: textarea.value, lineWrapping: true, viewportMargin: Infinity }
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
