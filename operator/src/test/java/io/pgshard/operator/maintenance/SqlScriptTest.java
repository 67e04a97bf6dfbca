package io.pgshard.operator.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

  @Test
  void cutsAtSemicolonsOutsideStringsIdentifiersCommentsAndDollarBodies() {
    String script =
        """
        -- a comment; not a statement
        CREATE TABLE "odd;name" (note text DEFAULT 'it''s; fine');

        /* block; /* nested; */ still comment; */
        CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
        BEGIN
          RETURN 1;
        END;
        $body$;
        SELECT $1, 'x' ;  SELECT 2
        """;

    List<SqlScript.Statement> statements = SqlScript.split(script);

    assertThat(statements).extracting(SqlScript.Statement::line).containsExactly(2, 5, 10, 10);
    assertThat(statements.get(0).sql())
        .isEqualTo("CREATE TABLE \"odd;name\" (note text DEFAULT 'it''s; fine')");
    assertThat(statements.get(1).sql()).contains("RETURN 1;").endsWith("$body$");
    assertThat(statements.get(1).head())
        .isEqualTo("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$");
    assertThat(statements.get(2).sql()).isEqualTo("SELECT $1, 'x'");
    assertThat(statements.get(3).sql()).isEqualTo("SELECT 2");
  }

  @Test
  void anEmptyOrCommentOnlyScriptHasNoStatements() {
    assertThat(SqlScript.split("")).isEmpty();
    assertThat(SqlScript.split("-- nothing\n/* here */\n;\n")).isEmpty();
  }
}
