// newsgen default theme: the search page. Everything runs in the reader's browser, on Pagefind's
// JavaScript API over the site's search segments (see newsgen's search.py): segments.json lists
// them newest first, with the results each must skip (articles edited or withdrawn since the
// segment was made, found again in a newer one). Newest first, older segments are only read
// once the list reaches their dates; by relevance, every segment is read and the scores merged.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var index = form.dataset.index;
  var PAGE = 10;
  var manifest = null;
  var modules = {};
  var run = 0;
  var pending = null;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function loadManifest() {
    if (!manifest) {
      manifest = fetch(index + "segments.json", { cache: "no-cache" }).then(function (r) {
        if (!r.ok) { throw new Error("no search index"); }
        return r.json();
      });
    }
    return manifest;
  }

  function segmentModule(segment) {
    var path = index + segment.path;
    if (!modules[path]) {
      modules[path] = import(path + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ excerptLength: 30 }).then(function () { return pagefind; });
      });
    }
    return modules[path];
  }

  // One segment's results for this search, without the ones it must skip.
  function searchSegment(segment, query, options) {
    return segmentModule(segment).then(function (pagefind) {
      return pagefind.search(query, options);
    }).then(function (found) {
      var dead = new Set(segment.dead);
      return { segment: segment, results: found.results.filter(function (r) { return !dead.has(r.id); }), at: 0,
               head: null };
    });
  }

  function headOf(stream) {
    if (stream.head || stream.at >= stream.results.length) { return Promise.resolve(stream.head); }
    return stream.results[stream.at].data().then(function (data) { stream.head = data; return data; });
  }

  // Newest first: a k-way merge of the segments' date-ordered results, reading a segment only
  // when the merged list may reach it (its newest article is newer than the best found so far).
  function newestFirst(segments, query, options) {
    var streams = [];
    var next = 0;
    function step() {
      return Promise.all(streams.map(headOf)).then(function () {
        var best = null;
        streams.forEach(function (s) {
          if (s.head && (!best || s.head.meta.key > best.head.meta.key)) { best = s; }
        });
        if (next < segments.length && (!best || segments[next].newest >= best.head.meta.key)) {
          return searchSegment(segments[next++], query, options).then(function (s) { streams.push(s); return step(); });
        }
        if (!best) { return null; }
        var data = best.head;
        best.head = null;
        best.at += 1;
        return data;
      });
    }
    return { next: step, total: null };
  }

  // Most relevant first: every segment read, the scores merged, the data read a page at a time.
  function mostRelevant(segments, query, options) {
    var merged = null;
    var at = 0;
    var source = {
      next: function () {
        var ready = merged ? Promise.resolve(merged) : Promise.all(segments.map(function (s) {
          return searchSegment(s, query, options);
        })).then(function (streams) {
          merged = [];
          streams.forEach(function (s) { merged = merged.concat(s.results); });
          merged.sort(function (a, b) { return b.score - a.score; });
          source.total = merged.length;
          return merged;
        });
        return ready.then(function (all) { return at < all.length ? all[at++].data() : null; });
      },
      total: null
    };
    return source;
  }

  function show(data) {
    var item = document.createElement("li");
    item.className = "search-result";
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title;
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "search-result-meta";
    meta.textContent = [data.meta.section, data.meta.date].filter(Boolean).join(" · ");
    var excerpt = document.createElement("p");
    excerpt.className = "search-result-excerpt";
    excerpt.innerHTML = data.excerpt;  // Pagefind's: the indexed text is HTML-escaped, with <mark> added
    item.appendChild(heading);
    item.appendChild(meta);
    item.appendChild(excerpt);
    list.appendChild(item);
  }

  function fill(source, mine, query, shown) {
    var count = 0;
    list.setAttribute("aria-busy", "true");
    function one() {
      if (count >= PAGE) { return Promise.resolve(true); }
      return source.next().then(function (data) {
        if (mine !== run) { return false; }
        if (!data) { return false; }
        show(data);
        count += 1;
        return one();
      });
    }
    return one().then(function (maybeMore) {
      if (mine !== run) { return; }
      list.setAttribute("aria-busy", "false");
      var total = shown + count;
      more.hidden = !maybeMore;
      if (source.total !== null) {
        total = source.total;
      }
      if (total === 0) {
        status.textContent = say(form.dataset.none, { query: query });
      } else if (source.total !== null || !maybeMore) {
        status.textContent = say(total === 1 ? form.dataset.one : form.dataset.many,
                                 { count: total.toLocaleString(form.dataset.lang), query: query });
      } else {
        status.textContent = say(form.dataset.some, { query: query });
      }
      pending = maybeMore ? function () { return fill(source, mine, query, shown + count); } : null;
    });
  }

  function search() {
    var query = form.q.value.trim();
    var mine = ++run;
    list.textContent = "";
    more.hidden = true;
    pending = null;
    var params = new URLSearchParams();
    if (query) { params.set("q", query); }
    if (form.section.value) { params.set("section", form.section.value); }
    if (form.sort.value !== "date") { params.set("sort", form.sort.value); }
    var shown = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (shown ? "?" + shown : ""));
    if (!query) { status.textContent = ""; list.setAttribute("aria-busy", "false"); return; }
    list.setAttribute("aria-busy", "true");
    var options = {};
    if (form.section.value) { options.filters = { section: form.section.value }; }
    var byDate = form.sort.value === "date";
    if (byDate) { options.sort = { date: "desc" }; }
    loadManifest().then(function (m) {
      if (mine !== run) { return; }
      var source = byDate ? newestFirst(m.segments, query, options) : mostRelevant(m.segments, query, options);
      return fill(source, mine, query, 0);
    }).catch(function () {
      if (mine === run) { status.textContent = form.dataset.failed; list.setAttribute("aria-busy", "false"); }
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  form.section.addEventListener("change", search);
  form.sort.addEventListener("change", search);
  more.addEventListener("click", function () { if (pending) { more.hidden = true; pending(); } });
  var start = new URLSearchParams(window.location.search);
  form.q.value = start.get("q") || "";
  if (start.get("section")) { form.section.value = start.get("section"); }
  if (start.get("sort") === "relevance") { form.sort.value = "relevance"; }
  if (form.q.value) { search(); }
}());
