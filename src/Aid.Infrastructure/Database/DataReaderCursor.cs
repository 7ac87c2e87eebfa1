using System.Data.Common;
using System.Text;
using Aid.Application.Common;

namespace Aid.Infrastructure.Database;

/// <summary>A cursor over an ADO.NET data reader: every value through <see cref="DbDataReader.GetValue"/>, as Dapper reads it.</summary>
internal sealed class DataReaderCursor(DbCommand command, DbDataReader reader) : IRowCursor
{
    private byte[] _utf8 = new byte[256];

    public int FieldCount => reader.FieldCount;

    public static async ValueTask<IRowCursor> OpenAsync(DbConnection connection, DbTransaction? transaction, string sql,
        IReadOnlyList<CursorParameter> parameters, CancellationToken ct)
    {
        var command = connection.CreateCommand();
        try
        {
            command.CommandText = sql;
            command.Transaction = transaction;
            foreach (var p in parameters)
            {
                var bound = command.CreateParameter();
                bound.ParameterName = p.Name;
                DapperTypeHandlers.SetValue(bound, p.Value);
                command.Parameters.Add(bound);
            }
            return new DataReaderCursor(command, await command.ExecuteReaderAsync(ct));
        }
        catch
        {
            await command.DisposeAsync();
            throw;
        }
    }

    public async ValueTask<bool> ReadAsync(CancellationToken ct) => await reader.ReadAsync(ct);

    public ColumnKind Kind(int column) => reader.IsDBNull(column) ? ColumnKind.Null : ColumnKind.Other;

    public long GetInt64(int column) => Convert.ToInt64(reader.GetValue(column), System.Globalization.CultureInfo.InvariantCulture);

    public ReadOnlySpan<byte> GetUtf8(int column)
    {
        var text = Convert.ToString(reader.GetValue(column), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        var size = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8.Length < size) _utf8 = new byte[size];
        return _utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, _utf8));
    }

    public object GetValue(int column) => reader.GetValue(column);

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync();
        await command.DisposeAsync();
    }
}
