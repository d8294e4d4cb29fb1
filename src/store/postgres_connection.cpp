// PostgreSQL connection through libpq: statements prepared once per connection (PQprepare) and
// run with binary parameters and binary results (PQexecPrepared), so raw bytes go in and out
// as bytea unchanged and no value is ever quoted into SQL text. Client encoding UTF8.
#include <libpq-fe.h>
#include <poll.h>

#include <array>
#include <bit>
#include <unordered_map>

#include "store/connection.hpp"

namespace webshield::store::detail {
namespace {

// Type OIDs of pg_type (catalog/pg_type_d.h is in the server headers, not in libpq-dev).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kVarcharOid = 1043;

constexpr int kBinary = 1;

Oid oid_of(Type t) {
  switch (t) {
    case Type::integer:
      return kInt8Oid;
    case Type::text:
      return kTextOid;
    case Type::blob:
      return kByteaOid;
    case Type::boolean:
      return kBoolOid;
  }
  return 0;
}

std::int64_t big_endian(const char* p, int size) {
  std::uint64_t v = 0;
  for (int i = 0; i < size; ++i)
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  // Sign-extend the shorter integer types.
  if (size < 8 && size > 0 && (static_cast<unsigned char>(p[0]) & 0x80) != 0)
    v |= ~std::uint64_t{0} << (size * 8);
  return static_cast<std::int64_t>(v);
}

std::string trimmed(const char* message) {
  std::string s = message != nullptr ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// True when the socket has something to read now (data or its end).
bool readable(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) == 1;
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::postgresql; }

  Result<void> execute(std::string_view sql) override {
    reconnect_if_lost();
    const std::string text(sql);
    PgResult r(PQexec(conn_, text.c_str()));
    if (auto bad = check(r.get()); !bad) return std::unexpected(bad.error());
    return {};
  }

  Result<Rows> run(std::string_view sql, std::span<const Param> params) override {
    reconnect_if_lost();
    auto name = prepared(sql, params);
    if (!name) return std::unexpected(name.error());

    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size());
    const std::vector<int> formats(params.size(), kBinary);
    std::vector<std::array<char, 8>> numbers(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Param& p = params[i];
      if (p.null) continue;
      switch (p.type) {
        case Type::integer: {
          auto v = static_cast<std::uint64_t>(p.integer);
          for (int b = 7; b >= 0; --b, v >>= 8)
            numbers[i][b] = static_cast<char>(v & 0xff);
          values[i] = numbers[i].data();
          lengths[i] = 8;
          break;
        }
        case Type::boolean:
          numbers[i][0] = p.integer != 0 ? 1 : 0;
          values[i] = numbers[i].data();
          lengths[i] = 1;
          break;
        case Type::text:
        case Type::blob:
          // A null pointer would send NULL, not an empty value.
          values[i] = p.bytes.data() != nullptr ? p.bytes.data() : "";
          lengths[i] = static_cast<int>(p.bytes.size());
          break;
      }
    }
    PgResult r(PQexecPrepared(conn_, name->c_str(), static_cast<int>(params.size()), values.data(),
                              lengths.data(), formats.data(), kBinary));
    if (auto bad = check(r.get()); !bad) return std::unexpected(bad.error());
    return rows(r.get());
  }

  // A COMMIT returns once the server has flushed its WAL (synchronous_commit, which the
  // operator may lower on the server; then the server decides).
  Result<std::unique_ptr<CommitSync>> defer_sync() override {
    return std::unique_ptr<CommitSync>();
  }

  bool last_error_retryable() const override { return retryable_; }

 private:
  // A connection lost between transactions (server restart, fail-over, an administrator) is
  // opened again; the statements prepared on the old one are gone with it. A server that ended
  // an idle connection has said so on its socket (its last message, then the end): reading
  // what is there, without waiting, finds the loss before a statement is sent to fail on it.
  void reconnect_if_lost() {
    for (int reads = 0; reads < 4 && PQstatus(conn_) == CONNECTION_OK
                        && PQtransactionStatus(conn_) == PQTRANS_IDLE && readable(PQsocket(conn_));
         ++reads) {
      if (PQconsumeInput(conn_) == 0) break;
    }
    if (PQstatus(conn_) == CONNECTION_OK) return;
    PQreset(conn_);
    prepared_.clear();
  }

  Result<std::string> prepared(std::string_view sql, std::span<const Param> params) {
    const std::string key(sql);
    if (auto it = prepared_.find(key); it != prepared_.end()) return it->second;
    std::string name = "webshield_" + std::to_string(prepared_.size() + 1);
    std::vector<Oid> types;
    for (const Param& p : params)
      types.push_back(oid_of(p.type));
    PgResult r(
        PQprepare(conn_, name.c_str(), key.c_str(), static_cast<int>(types.size()), types.data()));
    if (auto bad = check(r.get()); !bad) {
      return fail(bad.error().message + " in: " + key, bad.error().where);
    }
    prepared_.emplace(key, name);
    return name;
  }

  Result<void> check(const PGresult* r) {
    retryable_ = false;
    if (r == nullptr) return fail(trimmed(PQerrorMessage(conn_)), "postgresql");
    const ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return {};
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const std::string sqlstate = state != nullptr ? state : "";
    // 40001 serialization_failure, 40P01 deadlock_detected.
    retryable_ = sqlstate == "40001" || sqlstate == "40P01";
    // One line: the primary message, its detail, the SQLSTATE.
    const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
    std::string message = primary != nullptr ? primary : trimmed(PQresultErrorMessage(r));
    if (detail != nullptr) message += " (" + trimmed(detail) + ")";
    for (char& c : message)
      if (c == '\n') c = ' ';
    if (!sqlstate.empty()) message += " [SQLSTATE " + sqlstate + "]";
    return fail(std::move(message), "postgresql");
  }

  static Result<Rows> rows(const PGresult* r) {
    const int columns = PQnfields(r);
    Rows out(static_cast<std::size_t>(columns));
    std::vector<Oid> types(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c)
      types[static_cast<std::size_t>(c)] = PQftype(r, c);
    for (int row = 0; row < PQntuples(r); ++row) {
      for (int c = 0; c < columns; ++c) {
        Cell cell;
        if (PQgetisnull(r, row, c) == 0) {
          cell.null = false;
          const char* v = PQgetvalue(r, row, c);
          const int size = PQgetlength(r, row, c);
          switch (types[static_cast<std::size_t>(c)]) {
            case kInt8Oid:
            case kInt4Oid:
            case kInt2Oid:
            case kBoolOid:
              cell.integer = big_endian(v, size);
              break;
            case kTextOid:
            case kVarcharOid:
            case kByteaOid:
              cell.bytes.assign(v, static_cast<std::size_t>(size));
              break;
            default:
              return fail("column " + std::string(PQfname(r, c)) + " has type oid "
                              + std::to_string(types[static_cast<std::size_t>(c)])
                              + ", which the store does not read",
                          "postgresql");
          }
        }
        out.push(std::move(cell));
      }
    }
    return out;
  }

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;
  bool retryable_ = false;
};

void ignore_notice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

Result<std::unique_ptr<Connection>> connect_postgresql(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr) return fail("out of memory");
  auto owned = std::make_unique<PostgresConnection>(conn);
  if (PQstatus(conn) != CONNECTION_OK) return fail(trimmed(PQerrorMessage(conn)));
  // NOTICEs ("relation already exists, skipping") are not for our users.
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  if (PQsetClientEncoding(conn, "UTF8") != 0) return fail(trimmed(PQerrorMessage(conn)));
  const char* encoding = PQparameterStatus(conn, "server_encoding");
  if (encoding == nullptr || std::string_view(encoding) != "UTF8") {
    return fail(std::string("the database's encoding is ")
                + (encoding != nullptr ? encoding : "unknown")
                + "; WebShield stores reports as UTF-8 (CREATE DATABASE … ENCODING 'UTF8')");
  }
  return std::unique_ptr<Connection>(std::move(owned));
}

}  // namespace webshield::store::detail
