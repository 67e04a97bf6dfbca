package io.pgshard.operator.pooler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The exchange of RFC 7677 section 3, byte for byte. */
class ScramSha256Test {

  static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  @Test
  void computesTheClientProofOfTheRfcExample() {
    ScramSha256 scram = new ScramSha256("pencil", "rOprNGfwEbeRWgbNEkqO");
    assertThat(scram.clientFirst("user")).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    assertThat(scram.clientFinal(SERVER_FIRST))
        .isEqualTo(
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  }

  @Test
  void refusesAServerThatDoesNotKnowThePassword() {
    ScramSha256 scram = new ScramSha256("pencil", "rOprNGfwEbeRWgbNEkqO");
    scram.clientFirst("user");
    scram.clientFinal(SERVER_FIRST);
    assertThatThrownBy(
            () -> scram.verifyServerFinal("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
        .hasMessageContaining("signature does not match");
    assertThatThrownBy(() -> scram.verifyServerFinal("e=invalid-proof"))
        .hasMessageContaining("invalid-proof");
  }

  @Test
  void refusesAServerNonceThatDoesNotExtendTheClientNonce() {
    ScramSha256 scram = new ScramSha256("pencil", "abc");
    scram.clientFirst("");
    assertThatThrownBy(() -> scram.clientFinal("r=xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        .hasMessageContaining("nonce");
  }
}
