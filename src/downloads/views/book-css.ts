/**
 * The stylesheet of every download (EPUB's style.css; inlined in HTML and PDF): plain, so e-readers'
 * own fonts and sizes win, plus the classes ../xhtml.ts gives presentational HTML4 markup.
 */
export const BOOK_CSS = `body { margin: 0 5%; line-height: 1.5; }
h1, h2 { line-height: 1.2; }
h2.toc-heading, #afterword h2.toc-heading { font-size: 1.4em; }
#preface .message, #afterword .message { font-size: 0.9em; }
dl.tags { font-size: 0.9em; }
dl.tags dt { font-weight: bold; margin-top: 0.3em; }
dl.tags dd { margin-left: 1.5em; }
.byline { font-style: italic; margin-bottom: 1em; }
p.heading { font-weight: bold; margin-bottom: 0.2em; }
blockquote.userstuff { margin: 0 0 1em 1.5em; }
.userstuff img { max-width: 100%; height: auto; }
.userstuff table { border-collapse: collapse; }
.userstuff td, .userstuff th { border: 1px solid #888; padding: 0.2em 0.4em; }
.center, .align-center { text-align: center; }
.align-left { text-align: left; }
.align-right { text-align: right; }
.align-justify { text-align: justify; }
.big { font-size: larger; }
.tt { font-family: monospace; }
.chapter { margin-top: 2em; }
span[class^="as-"], span[class*=" as-"] { display: block; }
span.as-hr { border-top: 1px solid; margin: 0.5em 0; }
span.as-blockquote { margin: 0 1.5em; }
`;
