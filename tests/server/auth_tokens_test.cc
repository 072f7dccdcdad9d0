// Tests of the signed tokens (server/auth_tokens.h): a token verifies with
// its key until it expires and carries its claims; any change to it, and
// another key, make it UNAUTHENTICATED; its MAC is HMAC-SHA-256 of the
// payload (checked against OpenSSL's), so tokens issued by earlier builds
// still verify.
#include "server/auth_tokens.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"

namespace infinitedb::server {
namespace {

const std::string kKey(32, 'k');

TokenClaims Claims() {
  TokenClaims claims;
  claims.user = "alice";
  claims.generation = 7;
  claims.expires_unix = 2'000'000'000;
  return claims;
}

TEST(TokenSigner, VerifiesItsOwnTokensUntilTheyExpire) {
  TokenSigner signer(kKey);
  const std::string token = signer.Issue(Claims());
  absl::StatusOr<TokenClaims> claims = signer.Verify(token, 1'999'999'999);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->user, "alice");
  EXPECT_EQ(claims->generation, 7u);
  EXPECT_EQ(claims->expires_unix, 2'000'000'000);
  absl::Status expired = signer.Verify(token, 2'000'000'000).status();
  EXPECT_TRUE(absl::IsUnauthenticated(expired)) << expired;
  EXPECT_NE(expired.message().find("expired"), absl::string_view::npos);
}

TEST(TokenSigner, RefusesChangedTokensAndOtherKeys) {
  TokenSigner signer(kKey);
  const std::string token = signer.Issue(Claims());
  EXPECT_TRUE(absl::IsUnauthenticated(
      TokenSigner(std::string(32, 'o')).Verify(token, 0).status()));
  for (size_t i = 3; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_TRUE(absl::IsUnauthenticated(signer.Verify(changed, 0).status()))
        << "byte " << i;
  }
  for (const std::string& bad :
       {std::string(), std::string("v1."), std::string("v1.abc"),
        token.substr(0, token.size() - 2), "v2" + token.substr(2)}) {
    EXPECT_TRUE(absl::IsUnauthenticated(signer.Verify(bad, 0).status())) << bad;
  }
}

TEST(TokenSigner, TheMacIsHmacSha256OfThePayload) {
  const std::string token = TokenSigner(kKey).Issue(Claims());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string payload, mac;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[2], &mac));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
       digest, &length);
  EXPECT_EQ(mac, std::string(reinterpret_cast<char*>(digest), length));
}

}  // namespace
}  // namespace infinitedb::server
