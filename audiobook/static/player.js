// audiobook player: wires each .ab-player on the page to its <audio>. No dependencies.
(function () {
  "use strict";

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function setup(player) {
    var audio = player.querySelector("audio");
    var play = player.querySelector(".ab-play");
    var range = player.querySelector(".ab-range");
    var elapsed = player.querySelector(".ab-elapsed");
    var total = player.querySelector(".ab-total");
    var speed = player.querySelector(".ab-speed");
    var chapters = Array.prototype.slice.call(player.querySelectorAll(".ab-chapter"));
    var cues = Array.prototype.slice.call(document.querySelectorAll(".ab-cue"));
    var starts = cues.map(function (cue) { return parseFloat(cue.dataset.start); });
    // Timed words (inside their sentence): each is spoken from its start to the next word's, or
    // to its sentence's end. Highlighted by class only: no aria change per word (no chatter).
    var words = Array.prototype.slice.call(document.querySelectorAll(".ab-cue .ab-w"));
    var wordStarts = words.map(function (word) { return parseFloat(word.dataset.start); });
    var wordEnds = words.map(function (word, i) {
      var next = words[i + 1], cue = word.closest(".ab-cue");
      return next && next.closest(".ab-cue") === cue ? wordStarts[i + 1] : parseFloat(cue.dataset.end);
    });
    var duration = parseFloat(player.dataset.duration) || 0;
    var current = null, currentWord = null, currentChapter = null, dragging = false;

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
      var chapter = null;
      chapters.forEach(function (button) { if (parseFloat(button.dataset.start) <= t + 0.001) chapter = button; });
      if (chapter !== currentChapter) {
        if (currentChapter) currentChapter.classList.remove("ab-current");
        if (chapter) chapter.classList.add("ab-current");
        currentChapter = chapter;
      }
    }

    function toggle() { if (audio.paused) { audio.play(); } else { audio.pause(); } }

    total.textContent = clock(duration);
    play.addEventListener("click", toggle);
    audio.addEventListener("play", function () { play.setAttribute("aria-label", "Pause"); play.firstChild.textContent = "❚❚"; });
    audio.addEventListener("pause", function () { play.setAttribute("aria-label", "Play"); play.firstChild.textContent = "▶"; });
    audio.addEventListener("timeupdate", update);
    audio.addEventListener("seeked", update);
    range.addEventListener("input", function () { dragging = true; elapsed.textContent = clock(parseFloat(range.value)); });
    range.addEventListener("change", function () { dragging = false; seek(parseFloat(range.value)); });
    player.querySelector(".ab-back").addEventListener("click", function () { seek(audio.currentTime - 15); });
    player.querySelector(".ab-forward").addEventListener("click", function () { seek(audio.currentTime + 30); });
    speed.addEventListener("change", function () { audio.playbackRate = parseFloat(speed.value); });
    chapters.forEach(function (button) {
      button.addEventListener("click", function () { seek(parseFloat(button.dataset.start)); });
    });
    cues.forEach(function (cue) {  // a click on a word seeks to the word, elsewhere to the sentence
      cue.addEventListener("click", function (event) {
        var word = event.target.closest && event.target.closest(".ab-w");
        seek(parseFloat((word && cue.contains(word) ? word : cue).dataset.start));
      });
    });
    document.addEventListener("keydown", function (event) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "select" || tag === "textarea" || tag === "button" || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === " " || event.key === "k") { event.preventDefault(); toggle(); }
      else if (event.key === "ArrowLeft") { event.preventDefault(); seek(audio.currentTime - 15); }
      else if (event.key === "ArrowRight") { event.preventDefault(); seek(audio.currentTime + 30); }
    });
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll(".ab-player"), setup);
})();
