// audiobook player: wires each .ab-player on the page to its <audio>, and the index to what was
// listened to. No dependencies; works from file:// (no fetch: the archive's list is playlist.js).
(function () {
  "use strict";

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function megabytes(bytes) {
    return bytes >= 1e6 ? (bytes / 1e6).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1e3)) + " kB";
  }

  // A time in a URL fragment, as Media Fragments write it: #t=113, #t=1:53, #t=1:02:03.5,
  // #t=npt:113, #t=113,140 (only the start is used). null when there is none.
  function fragmentTime(hash) {
    var match = /(?:^#|&)t=(?:npt:)?([0-9]+(?::[0-9]{1,2}){0,2}(?:\.[0-9]+)?)(?:,|&|$)/.exec(hash || "");
    if (!match) return null;
    return match[1].split(":").reduce(function (total, part) { return total * 60 + parseFloat(part); }, 0);
  }

  // Remembered across pages (localStorage; silently nothing where storage is refused).
  var store = {
    get: function (key) { try { return JSON.parse(localStorage.getItem("audiobook:" + key)); } catch (e) { return null; } },
    set: function (key, value) { try { localStorage.setItem("audiobook:" + key, JSON.stringify(value)); } catch (e) { /* private mode */ } },
  };
  function positionKey(audioFile) { return "position:" + new URL(audioFile, location.href).href; }

  function attempt(promise) { if (promise && promise.catch) promise.catch(function () { /* autoplay refused: stays paused */ }); }

  function setup(player, first) {
    var audio = player.querySelector("audio");
    var play = player.querySelector(".ab-play");
    var range = player.querySelector(".ab-range");
    var elapsed = player.querySelector(".ab-elapsed");
    var total = player.querySelector(".ab-total");
    var speed = player.querySelector(".ab-speed");
    var chapters = Array.prototype.slice.call(player.querySelectorAll(".ab-chapter"));
    var chapterStarts = chapters.map(function (link) { return parseFloat(link.dataset.start); });
    var cues = Array.prototype.slice.call(document.querySelectorAll(".ab-cue"));
    // A chapter's first sentence is the current one from the chapter's start (the chapter mark
    // sits a little before the speech): a seek to a chapter highlights that chapter, not the last one.
    var starts = cues.map(function (cue) {
      var part = cue.closest(".ab-part");
      var opening = part && part.querySelector(".ab-cue") === cue;
      return opening ? Math.min(parseFloat(part.dataset.start), parseFloat(cue.dataset.start)) : parseFloat(cue.dataset.start);
    });
    // Timed words (inside their sentence): each is spoken from its start to the next word's, or
    // to its sentence's end. Highlighted by class only: no aria change per word (no chatter).
    var words = Array.prototype.slice.call(document.querySelectorAll(".ab-cue .ab-w"));
    var wordStarts = words.map(function (word) { return parseFloat(word.dataset.start); });
    var wordEnds = words.map(function (word, i) {
      var next = words[i + 1], cue = word.closest(".ab-cue");
      return next && next.closest(".ab-cue") === cue ? wordStarts[i + 1] : parseFloat(cue.dataset.end);
    });
    var duration = parseFloat(player.dataset.duration) || 0;
    var title = player.dataset.title, publication = player.dataset.publication;
    var key = positionKey(player.dataset.audio);
    var current = null, currentWord = null, currentChapter = null, dragging = false, started = false, lastSaved = -1;

    function seek(seconds) {
      audio.currentTime = Math.min(Math.max(0, seconds), duration || audio.duration || 0);
      update();
    }

    function lastStarted(list, t) {  // index of the last start at or before t (binary search), or -1
      var lo = 0, hi = list.length - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (list[mid] <= t + 0.001) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      return found;
    }

    function cueAt(t) {  // the last cue that started at or before t
      var found = lastStarted(starts, t);
      return found >= 0 ? cues[found] : null;
    }

    function wordAt(t) {  // the word being spoken at t, if any
      var found = lastStarted(wordStarts, t);
      return found >= 0 && t < wordEnds[found] ? words[found] : null;
    }

    function update() {
      var t = audio.currentTime || 0;
      elapsed.textContent = clock(t);
      if (mini) mini.elapsed.textContent = clock(t);
      if (!dragging) range.value = t;
      range.setAttribute("aria-valuetext", clock(t) + " of " + clock(duration));
      var cue = cueAt(t);
      if (cue !== current) {
        if (current) current.classList.remove("ab-current");
        if (cue) {
          cue.classList.add("ab-current");
          cue.setAttribute("aria-current", "true");
          var box = cue.closest(".ab-transcript");
          if (box) {  // keep the spoken sentence in view inside the transcript box only
            var top = cue.offsetTop - box.offsetTop;
            if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - cue.offsetHeight) {
              box.scrollTop = Math.max(0, top - box.clientHeight / 3);
            }
          }
        }
        if (current) current.removeAttribute("aria-current");
        current = cue;
      }
      var word = wordAt(t);
      if (word !== currentWord) {
        if (currentWord) currentWord.classList.remove("ab-now");
        if (word) word.classList.add("ab-now");
        currentWord = word;
      }
      var chapter = chapters[lastStarted(chapterStarts, t)] || null;
      if (chapter !== currentChapter) {
        if (currentChapter) { currentChapter.classList.remove("ab-current"); currentChapter.removeAttribute("aria-current"); }
        if (chapter) { chapter.classList.add("ab-current"); chapter.setAttribute("aria-current", "true"); }
        currentChapter = chapter;
      }
      remember(false);
    }

    // Resume: the position is saved every few seconds; an article heard to its end is "done".
    function remember(force) {
      var t = audio.currentTime || 0;
      if (!started || (!force && Math.abs(t - lastSaved) < 3)) return;
      var saved = store.get(key) || {};
      store.set(key, { t: t, done: !!saved.done || audio.ended || t >= duration - 2 });
      lastSaved = t;
    }

    function toggle() { if (audio.paused) { attempt(audio.play()); } else { audio.pause(); } }

    function chapterStep(direction) {  // previous: this chapter's start, or the one before near it
      var t = audio.currentTime || 0, here = lastStarted(chapterStarts, t);
      var target = direction > 0 ? here + 1 : (t - chapterStarts[here] > 3 ? here : here - 1);
      if (target >= 0 && target < chapterStarts.length) seek(chapterStarts[target]);
    }

    // The docked mini-player: shown while the bar is scrolled out of view, once playing started.
    var mini = null, miniBox = player.querySelector(".ab-mini");
    if (miniBox) {
      mini = { box: miniBox, play: miniBox.querySelector(".ab-mini-play"), elapsed: miniBox.querySelector(".ab-mini-elapsed"), barVisible: true };
      mini.play.addEventListener("click", toggle);
      var showMini = function () {
        miniBox.hidden = mini.barVisible || !started;
        document.body.classList.toggle("ab-docked", !miniBox.hidden);
      };
      mini.show = showMini;
      if (window.IntersectionObserver) {
        new IntersectionObserver(function (entries) {
          mini.barVisible = entries[entries.length - 1].isIntersecting;
          showMini();
        }).observe(player.querySelector(".ab-bar"));
      }
    }

    function playing(isPlaying) {
      [play, mini && mini.play].forEach(function (button) {
        if (!button) return;
        button.setAttribute("aria-label", isPlaying ? "Pause" : "Play");
        button.firstChild.textContent = isPlaying ? "❚❚" : "▶";
      });
    }

    total.textContent = clock(duration);
    play.addEventListener("click", toggle);
    audio.addEventListener("play", function () {
      started = true;
      playing(true);
      if (resume && !resume.hidden) resume.hidden = true;
      if (mini) mini.show();
    });
    audio.addEventListener("pause", function () { playing(false); remember(true); });
    audio.addEventListener("timeupdate", update);
    audio.addEventListener("seeked", update);
    range.addEventListener("input", function () { dragging = true; elapsed.textContent = clock(parseFloat(range.value)); });
    range.addEventListener("change", function () { dragging = false; seek(parseFloat(range.value)); });
    player.querySelector(".ab-back").addEventListener("click", function () { seek(audio.currentTime - 15); });
    player.querySelector(".ab-forward").addEventListener("click", function () { seek(audio.currentTime + 30); });
    window.addEventListener("pagehide", function () { remember(true); });

    // Speed: one choice for every article.
    var savedSpeed = store.get("speed");
    Array.prototype.forEach.call(speed.options, function (option) { if (option.value === savedSpeed) speed.value = savedSpeed; });
    function applySpeed() { audio.defaultPlaybackRate = audio.playbackRate = parseFloat(speed.value); }
    applySpeed();
    audio.addEventListener("loadedmetadata", applySpeed);
    speed.addEventListener("change", function () { applySpeed(); store.set("speed", speed.value); });

    // Chapter entries are links (#t=…): a click seeks here and keeps the link in the address bar.
    chapters.forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        seek(parseFloat(link.dataset.start));
        if (history.replaceState) history.replaceState(null, "", link.getAttribute("href"));
      });
    });
    cues.forEach(function (cue) {  // a click on a word seeks to the word, elsewhere to the sentence
      cue.addEventListener("click", function (event) {
        var word = event.target.closest && event.target.closest(".ab-w");
        seek(parseFloat((word && cue.contains(word) ? word : cue).dataset.start));
      });
    });

    // A link's time in whole seconds names the second the clock shows: a chapter that starts
    // inside it (at 1:53.34 for "#t=1:53") is where the link meant to go.
    function linkedTime(hash) {
      var t = fragmentTime(hash);
      if (t === null || t !== Math.floor(t)) return t;
      var inside = chapterStarts.filter(function (start) { return start >= t && start < t + 1; });
      return inside.length ? inside[0] : t;
    }

    // Resume offered on return (not when a link says where to start).
    var resume = player.querySelector(".ab-resume");
    var saved = store.get(key);
    var deepLink = linkedTime(location.hash);
    if (resume && saved && !saved.done && deepLink === null && saved.t > 5 && saved.t < duration - 2) {
      var button = resume.querySelector("button");
      button.textContent = "Resume at " + clock(saved.t);
      button.addEventListener("click", function () { seek(saved.t); attempt(audio.play()); resume.hidden = true; });
      resume.hidden = false;
    }

    if (first) {
      document.addEventListener("keydown", function (event) {
        var tag = (event.target.tagName || "").toLowerCase();
        if (tag === "input" || tag === "select" || tag === "textarea" || tag === "button" || tag === "a" || event.altKey || event.ctrlKey || event.metaKey) return;
        if (event.key === " " || event.key === "k") { event.preventDefault(); toggle(); }
        else if (event.key === "ArrowLeft") { event.preventDefault(); seek(audio.currentTime - 15); }
        else if (event.key === "ArrowRight") { event.preventDefault(); seek(audio.currentTime + 30); }
      });
      if (deepLink !== null) seek(deepLink);
      window.addEventListener("hashchange", function () {
        var t = linkedTime(location.hash);
        if (t !== null) seek(t);
      });
      mediaSession(player, audio, title, publication, seek, chapterStep, toggle);
      sharing(player, audio);
      playlist(player, audio, key);
    }
    update();
  }

  // Lock screen, headset and notification controls.
  function mediaSession(player, audio, title, publication, seek, chapterStep) {
    var session = navigator.mediaSession;
    if (!session || !window.MediaMetadata) return;
    var artwork = player.dataset.cover ? [{ src: new URL(player.dataset.cover, location.href).href }] : [];
    session.metadata = new MediaMetadata({ title: title, artist: publication, album: publication, artwork: artwork });
    var handlers = {
      play: function () { attempt(audio.play()); },
      pause: function () { audio.pause(); },
      seekbackward: function (details) { seek(audio.currentTime - ((details && details.seekOffset) || 15)); },
      seekforward: function (details) { seek(audio.currentTime + ((details && details.seekOffset) || 30)); },
      seekto: function (details) { seek(details.seekTime); },
      previoustrack: function () { chapterStep(-1); },
      nexttrack: function () { chapterStep(1); },
    };
    Object.keys(handlers).forEach(function (action) {
      try { session.setActionHandler(action, handlers[action]); } catch (e) { /* action not known here */ }
    });
    function position() {
      if (!session.setPositionState || !(audio.duration > 0)) return;
      try {
        session.setPositionState({ duration: audio.duration, playbackRate: audio.playbackRate, position: Math.min(audio.currentTime, audio.duration) });
      } catch (e) { /* an inconsistent moment during a seek */ }
    }
    ["loadedmetadata", "play", "pause", "seeked", "ratechange"].forEach(function (name) { audio.addEventListener(name, position); });
  }

  // "Copy link at this time": the page's address with #t=m:ss, copied and shown to select.
  function sharing(player, audio) {
    var copy = player.querySelector(".ab-copy");
    if (!copy) return;
    var field = player.querySelector(".ab-link"), status = player.querySelector(".ab-status");
    copy.addEventListener("click", function () {
      var link = location.href.split("#")[0] + "#t=" + clock(audio.currentTime);
      field.value = link;
      field.hidden = false;
      field.select();
      var done = function (message) { status.textContent = message; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link).then(function () { done("Link copied."); }, function () { done("Copy the link from the box."); });
      } else {
        done("Copy the link from the box.");
      }
    });
  }

  // Previous/next article in the index's order, the download size, and playing on to the next.
  function playlist(player, audio, key) {
    var list = window.audiobookPlaylist, nav = document.querySelector(".ab-playlist");
    var autoplay = player.querySelector(".ab-autoplay-next");
    if (autoplay) {
      autoplay.checked = store.get("autoplay") === true;
      autoplay.addEventListener("change", function () { store.set("autoplay", autoplay.checked); });
    }
    if (/^#autoplay$/.test(location.hash)) {  // played on from the article before, or the index's queue
      if (history.replaceState) history.replaceState(null, "", location.pathname + location.search);
      var saved = store.get(key);
      if (saved && !saved.done && saved.t > 5) audio.currentTime = saved.t;  // a queue resumes where it stopped
      attempt(audio.play());
    }
    var episodes = (list && list.episodes) || [];
    var here = -1;
    episodes.forEach(function (episode, i) { if (episode.audio === player.dataset.audio) here = i; });
    if (here < 0) return;
    var size = player.querySelector(".ab-size");
    if (size && episodes[here].bytes) size.textContent = " (MP3, " + megabytes(episodes[here].bytes) + ")";
    var previous = episodes[here - 1], next = episodes[here + 1];
    if (nav && (previous || next)) {
      [[previous, "ab-previous", "Previous: "], [next, "ab-next", "Next: "]].forEach(function (item) {
        if (!item[0]) return;
        var link = document.createElement("a");
        link.className = item[1];
        link.href = item[0].page;
        link.textContent = item[2] + item[0].title;
        nav.appendChild(link);
      });
      nav.hidden = false;
    }
    audio.addEventListener("ended", function () {
      store.set(key, { t: audio.duration || 0, done: true });
      if (next && autoplay && autoplay.checked) location.href = next.page + "#autoplay";
    });
  }

  // The embed tells its host page how tall it is (the bar wraps to two rows on a phone).
  function reportHeight() {
    if (window.parent === window || !document.body.classList.contains("ab-embedded")) return;
    var send = function () { window.parent.postMessage({ audiobookHeight: Math.ceil(document.documentElement.getBoundingClientRect().height) }, "*"); };
    send();
    if (window.ResizeObserver) new ResizeObserver(send).observe(document.documentElement);
  }

  // The index: what was heard (finished, or where it stopped), and the archive played as a queue.
  function index(list) {
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-audio]"));
    var unfinished = null;
    items.forEach(function (item) {
      var saved = store.get(positionKey(item.dataset.audio)), note = item.querySelector(".ab-progress");
      if (saved && saved.done) { item.classList.add("ab-finished"); note.textContent = " · ✓ Finished"; }
      else if (saved && saved.t > 5) note.textContent = " · Stopped at " + clock(saved.t);
      if (!unfinished && !(saved && saved.done)) unfinished = item;
    });
    var queue = document.querySelector(".ab-queue");
    if (!queue || !items.length) return;
    queue.hidden = false;
    queue.querySelector("button").addEventListener("click", function () {
      store.set("autoplay", true);
      location.href = (unfinished || items[0]).querySelector("a").getAttribute("href") + "#autoplay";
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".ab-player"), function (player, i) { setup(player, i === 0); });
  var episodes = document.querySelector("ol.episodes");
  if (episodes) index(episodes);
  reportHeight();
})();
