/** What gives a proxy away in an answer it wrote itself: an HTML page, or a version after its name. */
export const PROXY_PAGE = /<html|<body|nginx\/\d|caddy\/\d|caddy v\d/i;
