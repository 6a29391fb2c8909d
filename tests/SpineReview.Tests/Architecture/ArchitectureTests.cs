using System.Reflection;
using System.Reflection.Emit;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Architecture;

/// <summary>The arrows of docs/architecture.md, checked on the compiled assemblies: what each floor may name.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Shared = typeof(SpineReviewServiceCollectionExtensions).Assembly;
    private static readonly Assembly Functions = typeof(SpineReview.Functions.Http.Problems).Assembly;

    private static readonly string[] Features =
        ["SpineReview.Records", "SpineReview.Dedup", "SpineReview.Sources", "SpineReview.Screening", "SpineReview.Extraction",
         "SpineReview.Reporting", "SpineReview.Alerts", "SpineReview.Cycle", "SpineReview.Web", "SpineReview.Living"];

    [Fact]
    public void Storage_NamesNoFeatureType()
    {
        var found = References(Shared, "SpineReview.Storage").Where(r => Features.Any(f => InNamespace(r.To, f))).ToList();
        Assert.True(found.Count == 0, Describe("Storage is the bottom floor and names no feature's type", found));
    }

    [Fact]
    public void Reporting_NamesNothingInSources()
    {
        var found = References(Shared, "SpineReview.Reporting").Where(r => InNamespace(r.To, "SpineReview.Sources")).ToList();
        Assert.True(found.Count == 0, Describe("the report reads stored facts only, never a source connector", found));
    }

    [Fact]
    public void SourcesAndScreening_DoNotNameEachOther()
    {
        // The screening benchmarks (Screening.Evaluation) read SYNERGY's OpenAlex files with the OpenAlex parser: a file format,
        // not a call to the source, so that offline tool is the one exception.
        var found = References(Shared, "SpineReview.Sources").Where(r => InNamespace(r.To, "SpineReview.Screening"))
            .Concat(References(Shared, "SpineReview.Screening")
                .Where(r => !r.From.StartsWith("SpineReview.Screening.Evaluation.", StringComparison.Ordinal) && InNamespace(r.To, "SpineReview.Sources"))).ToList();
        Assert.True(found.Count == 0, Describe("harvest never reads screening state and screening never calls a source", found));
    }

    [Fact]
    public void FunctionClasses_NameNothingInStorage()
    {
        var found = References(Functions, "SpineReview.Functions").Where(r => InNamespace(r.To, "SpineReview.Storage")).ToList();
        Assert.True(found.Count == 0, Describe("a function is a thin adapter that calls a feature's service", found));
    }

    [Fact]
    public void Scanner_SeesReferencesInMethodBodies()
    {
        // The check above must be able to fail: this test type names Storage inside a method body only.
        var found = References(typeof(ArchitectureTests).Assembly, "SpineReview.Tests.Architecture")
            .Where(r => r.From == typeof(ArchitectureTests).FullName && r.To == typeof(SpineReview.Storage.StorageUnavailableException)).ToList();
        Assert.NotEmpty(found);
    }

    private static string Probe() => new SpineReview.Storage.StorageUnavailableException("probe").Message;

    [Fact]
    public void StorageCreation_OnlyInTheStorageInitializer()
    {
        string[] creators = ["CreateTableIfNotExists", "CreateTableIfNotExistsAsync", "CreateIfNotExists", "CreateIfNotExistsAsync", "CreateTable", "CreateTableAsync",
            "CreateBlobContainer", "CreateBlobContainerAsync", "CreateQueue", "CreateQueueAsync", "Create", "CreateAsync"];
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = (from type in Shared.GetTypes().Concat(Functions.GetTypes())
                     where !(type.FullName ?? "").StartsWith(typeof(SpineReview.Storage.StorageInitializer).FullName!, StringComparison.Ordinal)
                     from method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all))
                     from member in BodyMembers(method)
                     where member is MethodInfo { DeclaringType.Namespace: { } ns } called && ns.StartsWith("Azure.", StringComparison.Ordinal)
                         && creators.Contains(called.Name) && (ns.StartsWith("Azure.Data.Tables", StringComparison.Ordinal) || ns.StartsWith("Azure.Storage", StringComparison.Ordinal))
                     select $"{type.FullName}.{method.Name} -> {member.DeclaringType!.Name}.{member.Name}").Distinct().ToList();
        Assert.True(found.Count == 0, "tables, queues and containers are created in one place, StorageInitializer, when a host starts; found:\n  " + string.Join("\n  ", found));
        // The scan must see the initializer's own calls, or the check above proves nothing.
        var own = typeof(SpineReview.Storage.StorageInitializer).Assembly.GetTypes()
            .Where(t => (t.FullName ?? "").StartsWith(typeof(SpineReview.Storage.StorageInitializer).FullName!, StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods(all).Cast<MethodBase>().Concat(t.GetConstructors(all))).SelectMany(BodyMembers)
            .Count(m => m is MethodInfo { Name: "CreateTableIfNotExistsAsync" or "CreateIfNotExistsAsync" });
        Assert.True(own >= 3, $"the scan saw {own} creating calls in StorageInitializer; expected the table, queue and container calls");
    }

    [Fact]
    public void CommandFiles_AreAtMost250Lines()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "functions", "SpineReview.Cli", "Commands"), "*.cs");
        Assert.NotEmpty(files);
        var tooLong = files.Select(f => (File: Path.GetFileName(f), Lines: File.ReadAllLines(f).Length)).Where(f => f.Lines > 250).ToList();
        Assert.True(tooLong.Count == 0, "one command group per file, at most 250 lines: " + string.Join(", ", tooLong.Select(f => $"{f.File} {f.Lines}")));
    }

    [Theory]
    [InlineData("SpineReview.Cli")]
    [InlineData("SpineReview.Functions")]
    public void HostProgram_IsUnder15Lines(string host)
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "functions", host, "Program.cs")).Length;
        Assert.True(lines < 15, $"{host}/Program.cs has {lines} lines: a host only calls the composition root");
    }

    private sealed record Reference(string From, Type To);

    private static bool InNamespace(Type t, string ns) => t.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal));

    private static string Describe(string rule, IReadOnlyList<Reference> found) =>
        $"{rule}; found {found.Count}:\n" + string.Join("\n", found.Select(r => $"  {r.From} -> {r.To.FullName}").Distinct().Take(40));

    /// <summary>Every type that the types of a namespace name: in signatures, fields, base types, attributes' types and
    /// the tokens of their method bodies (calls, field access, object creation, casts).</summary>
    private static IEnumerable<Reference> References(Assembly assembly, string ns)
    {
        foreach (var type in assembly.GetTypes().Where(t => InNamespace(t, ns)))
        {
            var from = type.FullName ?? type.Name;
            var seen = new List<Type>();
            if (type.BaseType is { } b) seen.Add(b);
            seen.AddRange(type.GetInterfaces());
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            seen.AddRange(type.GetFields(all).Select(f => f.FieldType));
            seen.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
            var methods = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)).ToList();
            foreach (var m in methods)
            {
                if (m is MethodInfo mi) seen.Add(mi.ReturnType);
                seen.AddRange(m.GetParameters().Select(p => p.ParameterType));
                seen.AddRange(BodyTypes(m));
            }
            foreach (var t in seen.SelectMany(Flatten).Distinct())
                yield return new Reference(from, t);
        }
    }

    private static IEnumerable<Type> Flatten(Type t)
    {
        if (t.HasElementType && t.GetElementType() is { } e) { foreach (var x in Flatten(e)) yield return x; yield break; }
        if (t.IsGenericParameter) yield break;
        yield return t.IsGenericType ? t.GetGenericTypeDefinition() : t;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments())
                foreach (var x in Flatten(a)) yield return x;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types that a method body's token operands resolve to (the declaring type for a method or field).</summary>
    private static IEnumerable<Type> BodyTypes(MethodBase method)
    {
        foreach (var member in BodyMembers(method))
        {
            if (member is Type t) yield return t;
            else if (member.DeclaringType is { } d) yield return d;
            if (member is MethodInfo called) { yield return called.ReturnType; foreach (var p in called.GetParameters()) yield return p.ParameterType; }
            if (member is FieldInfo field) yield return field.FieldType;
        }
    }

    /// <summary>The types, methods and fields that a method body's token operands resolve to.</summary>
    private static IEnumerable<MemberInfo> BodyMembers(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } dt ? dt.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var op = OpCodesByValue[value];
            i += op.Size;
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, i);
                    MemberInfo? member = null;
                    try { member = module.ResolveMember(token, typeArgs, methodArgs); }
                    catch (ArgumentException) { }
                    catch (BadImageFormatException) { }
                    if (member is not null) yield return member;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: i += 1; break;
                case OperandType.InlineVar: i += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: i += 8; break;
                default: i += 4; break;
            }
        }
    }
}
