// lit-html, served by the service from its npm package (src/admin/admin-console.ts): one import path for every view.
export { html, svg, render, nothing } from '../vendor/lit-html/lit-html.js';
