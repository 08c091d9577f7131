/* Loaded in <head> before the page renders (not deferred): styles for script-enhanced widgets
   apply from the first paint. A file, not an inline script, so the CSP can forbid inline code. */
document.documentElement.classList.add("js");
