// The Backups tab: while a backup or restore runs, poll its progress every 2 s and move
// the bars; reload the page once nothing runs any more (sizes, contents, buttons).
(function () {
  var card = document.getElementById("tenant-backups");
  if (!card || !card.dataset.running) return;
  function update(job) {
    var key = job.kind + "-" + job.id;
    var bar = document.querySelector('[data-job-progress="' + key + '"]');
    if (bar) {
      bar.setAttribute("aria-valuenow", job.percent);
      bar.firstElementChild.style.width = job.percent + "%";
    }
    var count = document.querySelector('[data-job-count="' + key + '"]');
    if (count) count.textContent = job.count;
    var badge = document.querySelector('[data-job-status="' + key + '"]');
    if (badge) badge.textContent = job.label;
  }
  function poll() {
    fetch(card.dataset.progressUrl, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        data.jobs.forEach(update);
        if (data.running) setTimeout(poll, 2000); else window.location.reload();
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();
