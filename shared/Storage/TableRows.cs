using Azure.Data.Tables;

namespace SpineReview.Storage;

/// <summary>Reads many rows by their keys in few requests: a query per group of row keys of a partition instead of a point read each.</summary>
public static class TableRows
{
    /// <summary>
    /// Row keys per query. Azure Table storage allows at most 15 comparisons in a filter: one for the partition, two for the range
    /// that bounds the scan, twelve for the rows. An "or" of row keys alone scans the whole partition on Azure; bounded by the
    /// range of the sorted keys of its group, a query reads only that range.
    /// </summary>
    public const int KeysPerQuery = 12;

    /// <summary>The rows of <paramref name="partition"/> among <paramref name="rowKeys"/> that exist (those that do not are left out),
    /// at most <paramref name="parallel"/> queries at a time.</summary>
    public static Task<IReadOnlyList<T>> GetManyAsync<T>(TableClient table, string partition, IEnumerable<string> rowKeys, IEnumerable<string>? select,
        CancellationToken ct, int parallel = 4) where T : class, ITableEntity
    {
        ArgumentNullException.ThrowIfNull(rowKeys);
        return GetManyAsync<T>(table, rowKeys.Select(k => (partition, k)), select, ct, parallel);
    }

    /// <summary>The rows among <paramref name="keys"/> (partition, row key) that exist, in one query per group of row keys of a
    /// partition, at most <paramref name="parallel"/> queries at a time over all partitions (a bucketed table's keys of one batch
    /// fall into many partitions: their queries run together, not one partition after another).</summary>
    public static async Task<IReadOnlyList<T>> GetManyAsync<T>(TableClient table, IEnumerable<(string Partition, string RowKey)> keys, IEnumerable<string>? select,
        CancellationToken ct, int parallel = 4) where T : class, ITableEntity
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keys);
        var groups = keys.Distinct().GroupBy(k => k.Partition, StringComparer.Ordinal)
            .SelectMany(p => p.Select(k => k.RowKey).Order(StringComparer.Ordinal).Chunk(KeysPerQuery).Select(rows => (Partition: p.Key, Rows: rows))).ToList();
        var found = new T[groups.Count][];
        var columns = select?.ToList();
        await Parallel.ForEachAsync(Enumerable.Range(0, groups.Count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
            async (i, token) =>
            {
                var list = new List<T>();
                await foreach (var e in table.QueryAsync<T>(Filter(groups[i].Partition, groups[i].Rows), select: columns, cancellationToken: token))
                    list.Add(e);
                found[i] = [.. list];
            });
        return [.. found.SelectMany(f => f)];
    }

    private static string Filter(string partition, string[] keys)
    {
        var range = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {keys[0]} and RowKey le {keys[^1]}");
        var any = string.Join(" or ", keys.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}")));
        return $"{range} and ({any})";
    }
}
