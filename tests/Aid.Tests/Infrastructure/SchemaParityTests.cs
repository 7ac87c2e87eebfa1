using System.Data.Common;
using System.Text.RegularExpressions;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Npgsql;

namespace Aid.Tests.Infrastructure;

/// <summary>
/// The engines' migration scripts must build the same schema: tables, columns with their type and nullability,
/// defaults, primary keys and unique constraints, checks, foreign keys and the append-only guards. SQLite and
/// PostgreSQL are migrated and read back from their catalogues; SQL Server (which cannot run here) is read from its
/// scripts' syntax trees. Types are compared as SQLite can store them (text, integer, bytes) across all three, and
/// exactly (id, text, date, timestamp, int, bigint, bool, bytes) between PostgreSQL and SQL Server.
/// </summary>
public sealed partial class SchemaParityTests
{
    [Fact]
    public async Task Every_engine_s_migrations_build_the_same_schema()
    {
        var sqlite = await SqliteSchema(MigrationRunner.Embedded("sqlite"));
        var sqlServer = SqlServerSchema(MigrationRunner.Embedded("sqlserver"));
        AssertSame(sqlite, sqlServer, exactTypes: false);
        if (Engines.SkipReason(Engine.Postgres) is null)
        {
            var postgres = await PostgresSchema();
            AssertSame(postgres, sqlServer, exactTypes: true);
            AssertSame(sqlite, postgres, exactTypes: false);
        }
        else Assert.Skip(Engines.SkipReason(Engine.Postgres)!); // SQLite and SQL Server were compared; PostgreSQL could not be
    }

    [Fact]
    public async Task A_column_forgotten_in_one_engine_s_script_fails_the_comparison()
    {
        var real = MigrationRunner.Embedded("sqlserver");
        var broken = real.Select(m => m.Id != "0002" ? m : m with { Sql = RemoveLine(m.Sql, "    memo ") }).ToList();
        var sqlite = await SqliteSchema(MigrationRunner.Embedded("sqlite"));
        var failure = Assert.ThrowsAny<Exception>(() => AssertSame(sqlite, SqlServerSchema(broken), exactTypes: false));
        Assert.Contains("memo", failure.Message);

        // and a changed nullability, a dropped check and a dropped guard are each caught too
        var nullable = real.Select(m => m.Id != "0001" ? m : m with { Sql = m.Sql.Replace("name            NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL", "name NVARCHAR(200) NULL") }).ToList();
        Assert.NotEqual(real[0].Sql, nullable[0].Sql);
        Assert.ThrowsAny<Exception>(() => AssertSame(sqlite, SqlServerSchema(nullable), exactTypes: false));
        var noGuard = real.Select(m => m.Id != "0002" ? m : m with { Sql = Regex.Replace(m.Sql, @"CREATE TRIGGER postings_no_change[\s\S]*?END;", "") }).ToList();
        Assert.ThrowsAny<Exception>(() => AssertSame(sqlite, SqlServerSchema(noGuard), exactTypes: false));
    }

    private static string RemoveLine(string sql, string startsWith) =>
        string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith(startsWith, StringComparison.Ordinal)));

    // ---- the normalised shape ----

    private sealed record Column(string Type, bool Nullable, string? Default);

    private sealed class Table
    {
        public SortedDictionary<string, Column> Columns { get; } = new(StringComparer.Ordinal);
        public SortedSet<string> Keys { get; } = new(StringComparer.Ordinal);
        public List<string> Checks { get; } = [];
        public SortedSet<string> ForeignKeys { get; } = new(StringComparer.Ordinal);
        public SortedSet<string> Guards { get; } = new(StringComparer.Ordinal);
    }

    private static string Affinity(string type) => type switch
    {
        "id" or "text" or "date" or "timestamp" => "text",
        "int" or "bigint" or "bool" => "integer",
        _ => type,
    };

    private static void AssertSame(SortedDictionary<string, Table> a, SortedDictionary<string, Table> b, bool exactTypes)
    {
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, left) in a)
        {
            var right = b[name];
            Assert.True(left.Columns.Keys.SequenceEqual(right.Columns.Keys),
                $"{name}: columns differ: [{string.Join(", ", left.Columns.Keys)}] vs [{string.Join(", ", right.Columns.Keys)}]");
            foreach (var (column, l) in left.Columns)
            {
                var r = right.Columns[column];
                var (lt, rt) = exactTypes ? (l.Type, r.Type) : (Affinity(l.Type), Affinity(r.Type));
                Assert.True(lt == rt, $"{name}.{column}: type {l.Type} vs {r.Type}");
                Assert.True(l.Nullable == r.Nullable, $"{name}.{column}: nullable {l.Nullable} vs {r.Nullable}");
                Assert.True(l.Default == r.Default, $"{name}.{column}: default {l.Default} vs {r.Default}");
            }
            Assert.True(left.Keys.SetEquals(right.Keys), $"{name}: keys [{string.Join("; ", left.Keys)}] vs [{string.Join("; ", right.Keys)}]");
            Assert.True(left.Checks.Order().SequenceEqual(right.Checks.Order()),
                $"{name}: checks [{string.Join("; ", left.Checks.Order())}] vs [{string.Join("; ", right.Checks.Order())}]");
            Assert.True(left.ForeignKeys.SetEquals(right.ForeignKeys), $"{name}: foreign keys [{string.Join("; ", left.ForeignKeys)}] vs [{string.Join("; ", right.ForeignKeys)}]");
            Assert.True(left.Guards.SetEquals(right.Guards), $"{name}: guards [{string.Join("; ", left.Guards)}] vs [{string.Join("; ", right.Guards)}]");
        }
    }

    /// <summary>A check constraint as the columns, literals and comparisons it uses (each engine prints them differently).</summary>
    private static string CheckShape(string expression, IEnumerable<string> columns)
    {
        var text = CastSuffix().Replace(expression, "");
        var isIn = InOrAny().IsMatch(text);
        var literals = Literal().Matches(text).Select(m => m.Value.Trim('\'')).Order(StringComparer.Ordinal);
        var words = Word().Matches(text).Select(m => m.Value.ToLowerInvariant()).ToHashSet();
        var used = columns.Where(words.Contains).Order(StringComparer.Ordinal);
        IEnumerable<string> ops = isIn ? ["in"] : Comparison().Matches(text).Select(m => m.Value == "!=" ? "<>" : m.Value).Order(StringComparer.Ordinal);
        return $"{string.Join(",", used)} {string.Join(",", ops)} {string.Join(",", literals)}";
    }

    /// <summary>Casts and brackets dropped; a boolean default as SQLite and SQL Server write it (true → 1, false → 0).</summary>
    private static string? NormaliseDefault(string? value) =>
        value is null ? null : CastSuffix().Replace(value, "").Trim('(', ')', ' ', '\'') switch { "true" => "1", "false" => "0", var v => v };

    [GeneratedRegex(@"::[a-z ]+")] private static partial Regex CastSuffix();
    [GeneratedRegex(@"\bCHECK\s*\(", RegexOptions.IgnoreCase)] private static partial Regex CheckKeyword();
    [GeneratedRegex(@"\bIN\s*\(|=\s*ANY\s*\(", RegexOptions.IgnoreCase)] private static partial Regex InOrAny();
    [GeneratedRegex(@"'[^']*'|(?<![A-Za-z_])\d+(\.\d+)?")] private static partial Regex Literal();
    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*")] private static partial Regex Word();
    [GeneratedRegex(@">=|<=|<>|!=|>|<|(?<![<>!])=")] private static partial Regex Comparison();

    // ---- SQLite: migrated for real, read back from its catalogue ----

    private static async Task<SortedDictionary<string, Table>> SqliteSchema(IReadOnlyList<Migration> migrations)
    {
        var file = Path.Combine(Path.GetTempPath(), "aid-parity-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using (var connection = new SqliteConnection($"Data Source={file};Pooling=false"))
            {
                await connection.OpenAsync();
                foreach (var m in migrations) await connection.ExecuteAsync(m.Sql);
                return await ReadSqlite(connection);
            }
        }
        finally { File.Delete(file); }
    }

    private static async Task<SortedDictionary<string, Table>> ReadSqlite(SqliteConnection connection)
    {
        var tables = new SortedDictionary<string, Table>(StringComparer.Ordinal);
        var names = await connection.QueryAsync<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'");
        foreach (var (name, sql) in names)
        {
            var table = tables[name] = new Table();
            var columns = (await connection.QueryAsync<(long Cid, string Name, string Type, long NotNull, string? Default, long Pk)>(
                $"SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{name}')")).ToList();
            var checks = ChecksIn(sql);
            var booleans = checks.Where(c => BooleanCheck().IsMatch(c)).ToList();
            foreach (var c in columns)
            {
                var isBool = booleans.Any(b => BooleanCheck().Match(b).Groups[1].Value == c.Name);
                var type = isBool ? "bool" : c.Type.ToUpperInvariant() switch { "TEXT" => "text", "INTEGER" => "bigint", "BLOB" => "bytes", var t => t.ToLowerInvariant() };
                table.Columns[c.Name] = new Column(type, c.NotNull == 0 && c.Pk == 0, NormaliseDefault(c.Default));
            }
            var pk = columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name).ToList();
            if (pk.Count > 0) table.Keys.Add($"pk({string.Join(",", pk)})");
            foreach (var index in await connection.QueryAsync<(string Name, long Unique, string Origin)>($"SELECT name, \"unique\", origin FROM pragma_index_list('{name}')"))
            {
                if (index.Unique == 0 || index.Origin == "pk") continue;
                var cols = await connection.QueryAsync<string>($"SELECT name FROM pragma_index_info('{index.Name}') ORDER BY seqno");
                table.Keys.Add($"unique({string.Join(",", cols)})");
            }
            foreach (var check in checks.Except(booleans)) table.Checks.Add(CheckShape(check, table.Columns.Keys));
            foreach (var fk in await connection.QueryAsync<(string Table, string From, string To)>($"SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{name}')"))
                table.ForeignKeys.Add($"{fk.From}->{fk.Table}({fk.To})");
        }
        foreach (var (table, sql) in await connection.QueryAsync<(string Table, string Sql)>("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"))
            if (sql.Contains("RAISE(ABORT", StringComparison.OrdinalIgnoreCase))
                foreach (Match m in TriggerEvent().Matches(sql)) tables[table].Guards.Add(m.Groups[1].Value.ToLowerInvariant());
        return tables;
    }

    [GeneratedRegex(@"^\s*\(?\s*([a-z_]+)\s+IN\s*\(\s*0\s*,\s*1\s*\)\s*\)?\s*$", RegexOptions.IgnoreCase)] private static partial Regex BooleanCheck();
    [GeneratedRegex(@"BEFORE\s+(UPDATE|DELETE)", RegexOptions.IgnoreCase)] private static partial Regex TriggerEvent();

    /// <summary>The expressions of every CHECK (…) in a CREATE TABLE statement (balanced parentheses).</summary>
    private static List<string> ChecksIn(string createTable)
    {
        var found = new List<string>();
        var at = 0;
        // The keyword, not a name that contains it (audit_checkpoints, check_value).
        while (CheckKeyword().Match(createTable, at) is { Success: true } match)
        {
            at = match.Index + match.Length;
            var open = match.Index + match.Length - 1;
            var depth = 0;
            for (var i = open; i < createTable.Length; i++)
            {
                if (createTable[i] == '(') depth++;
                else if (createTable[i] == ')' && --depth == 0) { found.Add(createTable[(open + 1)..i].Trim()); at = i; break; }
            }
        }
        return found;
    }

    // ---- PostgreSQL: migrated for real, read back from its catalogue ----

    private static async Task<SortedDictionary<string, Table>> PostgresSchema()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Postgres);
        var engine = DatabaseEngines.Create(database.Options);
        await new MigrationRunner(engine, NullLogger<MigrationRunner>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        (engine as IDisposable)?.Dispose();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var tables = new SortedDictionary<string, Table>(StringComparer.Ordinal);
        var columns = await connection.QueryAsync<(string Table, string Name, string Type, string Nullable, string? Default)>("""
            SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY table_name, ordinal_position
            """);
        foreach (var c in columns)
        {
            var table = tables.TryGetValue(c.Table, out var t) ? t : tables[c.Table] = new Table();
            var type = c.Type switch
            {
                "uuid" => "id", "text" or "character varying" => "text", "date" => "date", "timestamp with time zone" => "timestamp",
                "bigint" => "bigint", "integer" => "int", "boolean" => "bool", "bytea" => "bytes", var other => other,
            };
            table.Columns[c.Name] = new Column(type, c.Nullable == "YES", NormaliseDefault(c.Default));
        }
        var constraints = await connection.QueryAsync<(string Table, string Type, string Definition)>("""
            SELECT cl.relname, co.contype::text, pg_get_constraintdef(co.oid) FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
            JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE n.nspname = 'public' AND cl.relname <> 'schema_migrations'
            """);
        foreach (var (name, type, definition) in constraints)
        {
            var table = tables[name];
            switch (type)
            {
                case "p": table.Keys.Add($"pk({Cols(definition)})"); break;
                case "u": table.Keys.Add($"unique({Cols(definition)})"); break;
                case "c": table.Checks.Add(CheckShape(definition["CHECK ".Length..], table.Columns.Keys)); break;
                case "f":
                    var fk = ForeignKey().Match(definition);
                    table.ForeignKeys.Add($"{fk.Groups[1].Value}->{fk.Groups[2].Value}({fk.Groups[3].Value})");
                    break;
            }
        }
        // unique indexes that are not constraints (partial ones)
        foreach (var (name, definition) in await connection.QueryAsync<(string Table, string Definition)>("""
            SELECT t.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """))
            tables[name].Keys.Add($"unique({Cols(definition[definition.IndexOf('(')..])})");
        foreach (var (table, action) in await connection.QueryAsync<(string Table, string Action)>(
                     "SELECT event_object_table, event_manipulation FROM information_schema.triggers WHERE trigger_schema = 'public'"))
            tables[table].Guards.Add(action.ToLowerInvariant());
        return tables;

        static string Cols(string definition)
        {
            var inner = definition[(definition.IndexOf('(') + 1)..definition.IndexOf(')')];
            return string.Join(",", inner.Split(',', StringSplitOptions.TrimEntries).Select(c => c.Trim('"'))); // PostgreSQL quotes keywords ("position")
        }
    }

    [GeneratedRegex(@"FOREIGN KEY \((\w+)\) REFERENCES (\w+)\((\w+)\)")] private static partial Regex ForeignKey();

    // ---- SQL Server: read from the scripts' syntax trees ----

    private static SortedDictionary<string, Table> SqlServerSchema(IReadOnlyList<Migration> migrations)
    {
        var tables = new SortedDictionary<string, Table>(StringComparer.Ordinal);
        foreach (var migration in migrations)
        {
            var script = new TSql160Parser(true).Parse(new StringReader(migration.Sql), out var errors);
            Assert.Empty(errors);
            script.Accept(new SchemaReader(tables));
        }
        return tables;
    }

    private sealed class SchemaReader(SortedDictionary<string, Table> tables) : TSqlFragmentVisitor
    {
        private static string Text(TSqlFragment f) =>
            string.Concat(Enumerable.Range(f.FirstTokenIndex, f.LastTokenIndex - f.FirstTokenIndex + 1).Select(i => f.ScriptTokenStream[i].Text));

        private static string Cols(IEnumerable<ColumnWithSortOrder> columns) =>
            string.Join(",", columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value));

        public override void Visit(CreateTableStatement node)
        {
            var table = tables[node.SchemaObjectName.BaseIdentifier.Value] = new Table();
            var names = node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value).ToList();
            foreach (var column in node.Definition.ColumnDefinitions) AddColumn(table, column, names);
            foreach (var constraint in node.Definition.TableConstraints)
                switch (constraint)
                {
                    case UniqueConstraintDefinition u: table.Keys.Add(u.IsPrimaryKey ? $"pk({Cols(u.Columns)})" : $"unique({Cols(u.Columns)})"); break;
                    case CheckConstraintDefinition c: table.Checks.Add(CheckShape(Text(c.CheckCondition), names)); break;
                    case ForeignKeyConstraintDefinition f:
                        table.ForeignKeys.Add($"{f.Columns[0].Value}->{f.ReferenceTableName.BaseIdentifier.Value}({f.ReferencedTableColumns[0].Value})"); break;
                }
        }

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            var table = tables[node.SchemaObjectName.BaseIdentifier.Value];
            var names = table.Columns.Keys.Concat(node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value)).ToList();
            foreach (var column in node.Definition.ColumnDefinitions) AddColumn(table, column, names);
        }

        private static void AddColumn(Table table, ColumnDefinition column, IReadOnlyList<string> names)
        {
            var name = column.ColumnIdentifier.Value;
            var type = column.DataType is SqlDataTypeReference sql ? sql.SqlDataTypeOption switch
            {
                SqlDataTypeOption.Char when sql.Parameters is [{ Value: "36" }] => "id",
                SqlDataTypeOption.NVarChar or SqlDataTypeOption.VarChar or SqlDataTypeOption.NChar => "text",
                SqlDataTypeOption.Date => "date", SqlDataTypeOption.DateTimeOffset => "timestamp",
                SqlDataTypeOption.BigInt => "bigint", SqlDataTypeOption.Int => "int", SqlDataTypeOption.Bit => "bool",
                SqlDataTypeOption.VarBinary => "bytes", var other => other.ToString().ToLowerInvariant(),
            } : column.DataType.Name.BaseIdentifier.Value;
            var primary = column.Constraints.OfType<UniqueConstraintDefinition>().Any(u => u.IsPrimaryKey);
            var nullable = !primary && !column.Constraints.OfType<NullableConstraintDefinition>().Any(n => !n.Nullable);
            var defaultValue = column.DefaultConstraint is { } d ? NormaliseDefault(Text(d.Expression)) : null;
            table.Columns[name] = new Column(type, nullable, defaultValue);
            foreach (var constraint in column.Constraints)
                switch (constraint)
                {
                    case UniqueConstraintDefinition u: table.Keys.Add(u.IsPrimaryKey ? $"pk({name})" : $"unique({name})"); break;
                    case CheckConstraintDefinition c: table.Checks.Add(CheckShape(Text(c.CheckCondition), names)); break;
                    case ForeignKeyConstraintDefinition f:
                        table.ForeignKeys.Add($"{name}->{f.ReferenceTableName.BaseIdentifier.Value}({f.ReferencedTableColumns[0].Value})"); break;
                }
        }


        public override void Visit(CreateIndexStatement node)
        {
            if (node.Unique) tables[node.OnName.BaseIdentifier.Value].Keys.Add($"unique({Cols(node.Columns)})");
        }

        public override void Visit(CreateTriggerStatement node)
        {
            // a guard: fires on UPDATE/DELETE and only THROWs
            var body = Text(node.StatementList);
            if (!body.Contains("THROW", StringComparison.OrdinalIgnoreCase)) return;
            foreach (var action in node.TriggerActions)
                if (action.TriggerActionType is TriggerActionType.Update or TriggerActionType.Delete)
                    tables[node.TriggerObject.Name.BaseIdentifier.Value].Guards.Add(action.TriggerActionType.ToString().ToLowerInvariant());
        }
    }
}
