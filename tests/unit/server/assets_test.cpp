// The pages embedded for `webshield serve` (web/, web/embed_assets.cmake): each URL path finds its
// file with a media type and an ETag; anything else finds nothing.
#include "web/assets.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

namespace webshield::server {
namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

TEST(Assets, DashboardAtRootHasTheSignInForm) {
  const Asset* page = find_asset("/");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->path, "/");
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(page->body.starts_with("<!doctype html>"));
  EXPECT_TRUE(contains(page->body, "id=\"sign-in-form\""));
  EXPECT_TRUE(contains(page->body, "type=\"password\""));
  EXPECT_TRUE(contains(page->body, "/assets/uPlot.iife.min.js"));
  EXPECT_TRUE(contains(page->body, "/assets/dashboard.js"));
}

TEST(Assets, CheckPage) {
  const Asset* page = find_asset("/check");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(contains(page->body, "id=\"check-form\""));
  EXPECT_TRUE(contains(page->body, "/assets/check.js"));
}

TEST(Assets, ChartLibraryAndStyleSheets) {
  const Asset* uplot = find_asset("/assets/uPlot.iife.min.js");
  ASSERT_NE(uplot, nullptr);
  EXPECT_EQ(uplot->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(contains(uplot->body, "uPlot"));
  EXPECT_GT(uplot->body.size(), 10'000u);

  const Asset* uplot_css = find_asset("/assets/uPlot.min.css");
  ASSERT_NE(uplot_css, nullptr);
  EXPECT_EQ(uplot_css->content_type, "text/css; charset=utf-8");

  const Asset* css = find_asset("/assets/app.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");

  const Asset* script = find_asset("/assets/dashboard.js");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
}

TEST(Assets, EveryAssetHasADistinctQuotedEtag) {
  std::set<std::string_view> etags;
  std::set<std::string_view> paths;
  for (const Asset& asset : assets()) {
    SCOPED_TRACE(std::string(asset.path));
    EXPECT_TRUE(asset.path == "/" || asset.path == "/check" || asset.path.starts_with("/assets/"));
    EXPECT_FALSE(asset.body.empty());
    EXPECT_TRUE(asset.content_type.ends_with("; charset=utf-8"));
    ASSERT_EQ(asset.etag.size(), 22u);
    EXPECT_EQ(asset.etag.front(), '"');
    EXPECT_EQ(asset.etag.back(), '"');
    EXPECT_EQ(asset.etag.find_first_not_of("0123456789abcdef", 1), 21u);
    EXPECT_TRUE(etags.insert(asset.etag).second);
    EXPECT_TRUE(paths.insert(asset.path).second);
  }
  EXPECT_GE(paths.size(), 6u);
}

// CSP default-src 'self': no inline script, style or event handler in the pages.
TEST(Assets, PagesHaveNoInlineScriptOrStyle) {
  for (std::string_view path : {"/", "/check"}) {
    SCOPED_TRACE(std::string(path));
    const Asset* page = find_asset(path);
    ASSERT_NE(page, nullptr);
    EXPECT_FALSE(contains(page->body, "<style"));
    EXPECT_FALSE(contains(page->body, " style=\""));
    EXPECT_FALSE(contains(page->body, " onclick="));
    EXPECT_FALSE(contains(page->body, " onload="));
    EXPECT_FALSE(contains(page->body, " onsubmit="));
    std::string_view rest = page->body;
    for (auto at = rest.find("<script"); at != std::string_view::npos; at = rest.find("<script")) {
      rest = rest.substr(at);
      const auto end = rest.find('>');
      ASSERT_NE(end, std::string_view::npos);
      EXPECT_TRUE(contains(rest.substr(0, end), " src=\"/assets/")) << rest.substr(0, end);
      rest = rest.substr(end);
    }
  }
}

TEST(Assets, UnknownPathsFindNothing) {
  for (std::string_view path :
       {"", "/index.html", "/check.html", "/assets/", "/assets/nope.js", "/assets/../index.html",
        "/check/", "/CHECK", "/assets/app.css?x", "/api/v1/session"}) {
    SCOPED_TRACE(std::string(path));
    EXPECT_EQ(find_asset(path), nullptr);
  }
}

}  // namespace
}  // namespace webshield::server
