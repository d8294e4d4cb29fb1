// The pages of `webshield serve` (docs/serve.md), built into the program: web/*.html, *.css,
// *.js and the chart library uPlot, embedded at build time by web/embed_assets.cmake. The
// bodies are the files as written; the server adds caching and security headers.
#pragma once

#include <span>
#include <string_view>

namespace webshield::server {

struct Asset {
  std::string_view path;          // "/", "/check", "/assets/app.css"
  std::string_view content_type;  // with "; charset=utf-8" for text
  std::string_view body;
  std::string_view etag;  // "\"<20 hex digits of the body's SHA-256>\"", quotes included
};

// "/" -> index.html, "/check" -> check.html, "/assets/<file>" -> the scripts, style sheets and
// uPlot (/assets/uPlot.iife.min.js, /assets/uPlot.min.css). nullptr for any other path; the path
// is compared exactly (no query string, no decoding).
const Asset* find_asset(std::string_view path);

// Every embedded asset, for listings and tests.
std::span<const Asset> assets();

}  // namespace webshield::server
