// Loaded with `node --import` to make the real exporter crash with an uncaught exception.
setTimeout(() => {
  throw new Error('simulated exporter crash');
}, 1500);
