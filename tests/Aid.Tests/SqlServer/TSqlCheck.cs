using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Aid.Tests.SqlServer;

/// <summary>
/// What SQL Server would say about a statement, without a SQL Server: ScriptDom's T-SQL 2022 parser (syntax), plus a
/// visitor for what parses as T-SQL but means something else there or does not exist (boolean literals read as column
/// names, TEXT casts, SQLite/PostgreSQL functions and types).
/// </summary>
public static class TSqlCheck
{
    private static readonly HashSet<string> ForeignFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "json_each", "group_concat", "ifnull", "strftime", "datetime", "julianday", "substr", "instr", "printf", "now",
        "gen_random_uuid", "nextval", "currval", "array_agg", "unnest", "date_trunc", "to_char", "any", "greatest", "least",
    };

    private static readonly HashSet<string> ForeignTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "uuid", "boolean", "bool", "timestamptz", "timestamp", "bytea", "jsonb", "json", "serial", "bigserial", "integer", "blob",
    };

    /// <summary>Every problem with <paramref name="sql"/> as T-SQL; empty when SQL Server would accept it.</summary>
    public static IReadOnlyList<string> Problems(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        var fragment = parser.Parse(new StringReader(sql), out var errors);
        var problems = errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}").ToList();
        if (problems.Count > 0) return problems;
        fragment.Accept(new ForeignSyntax(problems));
        // The 2022 parser already accepts SQL Server 2025's || concatenation, which 2022 servers refuse.
        var tokens = fragment.ScriptTokenStream;
        for (var i = 0; i < tokens.Count; i++)
            if (tokens[i].Text == "||" || tokens[i].Text == "|" && i + 1 < tokens.Count && tokens[i + 1].Text == "|")
                problems.Add($"line {tokens[i].Line}: || string concatenation (SQL Server 2025 only; use the dialect's Concat)");
        return problems;
    }

    private sealed class ForeignSyntax(List<string> problems) : TSqlFragmentVisitor
    {
        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.MultiPartIdentifier?.Identifiers is [{ QuoteType: QuoteType.NotQuoted } only]
                && only.Value.ToLowerInvariant() is "true" or "false")
                problems.Add($"line {node.StartLine}: boolean literal {only.Value} (a column name in T-SQL; use 1/0)");
        }

        public override void Visit(FunctionCall node)
        {
            if (ForeignFunctions.Contains(node.FunctionName.Value))
                problems.Add($"line {node.StartLine}: {node.FunctionName.Value}() is not a SQL Server function");
        }

        public override void Visit(SchemaObjectFunctionTableReference node)
        {
            if (ForeignFunctions.Contains(node.SchemaObject.BaseIdentifier.Value))
                problems.Add($"line {node.StartLine}: {node.SchemaObject.BaseIdentifier.Value}() is not a SQL Server function");
        }

        public override void Visit(SqlDataTypeReference node)
        {
            if (node.SqlDataTypeOption is SqlDataTypeOption.Text or SqlDataTypeOption.NText)
                problems.Add($"line {node.StartLine}: the TEXT type (deprecated in SQL Server; cast to NVARCHAR)");
        }

        public override void Visit(UserDataTypeReference node)
        {
            if (ForeignTypes.Contains(node.Name.BaseIdentifier.Value))
                problems.Add($"line {node.StartLine}: {node.Name.BaseIdentifier.Value} is not a SQL Server type");
        }
    }
}
