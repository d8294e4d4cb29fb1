#include "net/https_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "core/ascii.hpp"

namespace webshield::net {
namespace {

struct Transfer {
  const HttpsRequest* request;
  HttpsResponse* response;
  bool truncated = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->response->body.size() + n > t->request->max_body) {
    t->truncated = true;
    return 0;  // stops the transfer: a chunked body has no Content-Length to refuse early
  }
  t->response->body.append(data, n);
  return n;
}

// Makes OpenSSL check the host name itself, so that a wrong name reports
// X509_V_ERR_HOSTNAME_MISMATCH instead of libcurl's generic failure.
CURLcode on_ssl_ctx(CURL*, void* ssl_ctx, void* user) {
  const auto* request = static_cast<const HttpsRequest*>(user);
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(static_cast<SSL_CTX*>(ssl_ctx));
  // RFC 6125 via RFC 8461 §3.3: DNS-ID only, a wildcard only as the whole left-most label.
  X509_VERIFY_PARAM_set_hostflags(
      param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  X509_VERIFY_PARAM_set1_host(param, request->host.c_str(), request->host.size());
  return CURLE_OK;
}

HttpsFailure certificate_failure(long verify_result) {
  switch (verify_result) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return HttpsFailure::cert_expired;
    case X509_V_ERR_HOSTNAME_MISMATCH:
      return HttpsFailure::cert_name;
    default:
      return HttpsFailure::cert_untrusted;
  }
}

HttpsResponse perform(const HttpsRequest& request, const std::optional<std::string>& ca_file) {
  HttpsResponse response;
  // One handle per pool thread, reset between requests: it keeps the parsed CA store (see
  // CURLOPT_CA_CACHE_TIMEOUT) instead of reading the CA file for every request.
  thread_local std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(nullptr, curl_easy_cleanup);
  if (curl) {
    curl_easy_reset(curl.get());
  } else {
    curl.reset(curl_easy_init());
  }
  if (!curl) {
    response.failure = HttpsFailure::other;
    response.error = "cannot create a libcurl handle";
    return response;
  }
  CURL* h = curl.get();
  const std::string url = fmt::format("https://{}:{}{}", request.host, request.port, request.path);
  std::string resolve = fmt::format("{}:{}:", request.host, request.port);
  for (std::size_t i = 0; i < request.addresses.size(); ++i) {
    const std::string& a = request.addresses[i];
    resolve += (i > 0 ? "," : "") + (a.find(':') != std::string::npos ? "[" + a + "]" : a);
  }
  curl_slist* resolve_list = curl_slist_append(nullptr, resolve.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> owned_list(resolve_list,
                                                                         curl_slist_free_all);
  Transfer transfer{&request, &response};
  const long timeout_ms = static_cast<long>(request.timeout.count());

  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_RESOLVE, resolve_list);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // RFC 8461 §3.3: MUST NOT follow
  curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
  curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, &request);
  if (ca_file) {
    curl_easy_setopt(h, CURLOPT_CAINFO, ca_file->c_str());
    curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);  // Debian's libcurl adds a CA path otherwise
  }
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CA_CACHE_TIMEOUT, 3600L);
  // Every request on a fresh connection: the certificate checks run for each host.
  curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "webshield");
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  const CURLcode rc = curl_easy_perform(h);
  long verify_result = 0;
  curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &verify_result);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  if (char* type = nullptr;
      curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) {
    response.content_type = type;
  }
  if (char* location = nullptr;
      curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
    response.location = location;
  }
  response.error = curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_OK:
      response.error.clear();
      break;
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
      response.failure = HttpsFailure::unreachable;
      break;
    case CURLE_SSL_CONNECT_ERROR:
      response.failure = HttpsFailure::tls;
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
      response.failure = certificate_failure(verify_result);
      response.error = X509_verify_cert_error_string(verify_result);
      break;
    case CURLE_FILESIZE_EXCEEDED:
      response.failure = HttpsFailure::too_large;
      break;
    case CURLE_WRITE_ERROR:
      response.failure = transfer.truncated ? HttpsFailure::too_large : HttpsFailure::other;
      break;
    default:
      response.failure = HttpsFailure::other;
      break;
  }
  return response;
}

asio::awaitable<HttpsResponse> perform_on_pool(HttpsRequest request,
                                               std::optional<std::string> ca_file) {
  co_return perform(request, ca_file);
}

}  // namespace

CurlHttpsClient::CurlHttpsClient(std::optional<std::string> ca_file, std::size_t threads)
    : ca_file_(std::move(ca_file)), pool_(threads) {}

CurlHttpsClient::~CurlHttpsClient() {
  pool_.join();
}

asio::awaitable<HttpsResponse> CurlHttpsClient::fetch(HttpsRequest request) {
  // A plain coroutine with value parameters, not a capturing lambda: g++ 12 destroys the
  // captures of a coroutine lambda twice.
  co_return co_await asio::co_spawn(pool_, perform_on_pool(std::move(request), ca_file_),
                                    asio::use_awaitable);
}

}  // namespace webshield::net
