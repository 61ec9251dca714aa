// Live updates of the console's pages from the federation's server-sent events (the same events as
// `fedfactory-admin events`). Plain JavaScript, no build step.
'use strict';
window.fedfactory = { received: 0, delaysMs: [], live: false, ids: new Set() };

function follow(federation, onEvent) {
  const source = new EventSource('/events/' + encodeURIComponent(federation));
  source.addEventListener('backlog-end', () => { window.fedfactory.live = true; });
  source.addEventListener('fedfactory', (message) => {
    const e = JSON.parse(message.data);
    if (window.fedfactory.ids.has(e.id)) return;
    window.fedfactory.ids.add(e.id);
    window.fedfactory.received++;
    if (window.fedfactory.live) window.fedfactory.delaysMs.push(Date.now() - e.kafka_timestamp);
    const list = document.getElementById('events');
    if (list) {
      const item = document.createElement('li');
      item.textContent = e.line;
      item.className = 'event-' + e.type;
      list.insertBefore(item, list.firstChild);
      while (list.children.length > 500) list.removeChild(list.lastChild);
    }
    onEvent(e);
  });
}

function curves() {
  const points = { loss: [], accuracy: [] };
  return (e) => {
    points.loss.push(e.loss);
    points.accuracy.push(e.accuracy);
    const maxLoss = Math.max(...points.loss, 1e-9);
    const n = points.loss.length;
    const x = (i) => (n === 1 ? 0 : (i * 470) / (n - 1)) + 5;
    document.getElementById('loss-curve').setAttribute('points',
      points.loss.map((v, i) => x(i) + ',' + (115 - (v / maxLoss) * 110)).join(' '));
    document.getElementById('accuracy-curve').setAttribute('points',
      points.accuracy.map((v, i) => x(i) + ',' + (115 - v * 110)).join(' '));
  };
}

function eta(seconds) {
  return seconds < 0 ? 'ETA unknown' : 'ETA ' + Math.round(seconds) + ' s';
}

document.addEventListener('DOMContentLoaded', () => {
  const progress = document.getElementById('progress');
  if (progress) {
    const draw = curves();
    follow(progress.dataset.federation, (e) => {
      if (e.type === 'synthesis_progress') {
        document.getElementById('synthesis-bar').value = e.percent;
        document.getElementById('synthesis-text').textContent = e.percent.toFixed(0) + '% ' + eta(e.eta_seconds);
      } else if (e.type === 'training_progress') {
        document.getElementById('training-bar').value = e.percent;
        document.getElementById('training-text').textContent = e.percent.toFixed(0) + '% epoch ' + e.epoch + ', loss '
          + e.loss.toFixed(4) + ', accuracy ' + e.accuracy.toFixed(3) + ', ' + eta(e.eta_seconds);
        draw(e);
      } else if (e.type === 'model_published') {
        document.getElementById('served').textContent = e.version;
        document.getElementById('state').textContent = 'published';
      } else if (e.type === 'model_revoked' && document.getElementById('served').textContent === e.version) {
        document.getElementById('served').textContent = e.version + ' (revoked)';
      } else if (e.type === 'module_admitted') {
        const count = document.getElementById('module-count');
        if (window.fedfactory.live) count.textContent = String(Number(count.textContent) + 1);
      }
    });
  }
  const certificate = document.getElementById('certificate');
  if (certificate && certificate.dataset.complete !== 'true') {
    follow(certificate.dataset.federation, (e) => {
      // Issued before the page opened (in the replayed events) or while it is open: show it.
      if (e.type === 'certificate_issued' && e.certificate_id === certificate.dataset.certificate) window.location.reload();
    });
  }
});
