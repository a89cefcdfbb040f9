using System.Text;
using Ensemble.Contracts.Specs;

namespace Ensemble.Contracts.Tests.Specs;

/// <summary>
/// Documents built to hurt the reader: each is refused as an ordinary spec problem that names the limit and where it
/// was hit, never an exception of another type or a stack overflow.
/// </summary>
public sealed class HostileDocumentTests
{
    /// <summary>Nesting a hundred thousand levels deep (which overflowed the stack before) stops at the 33rd level, with its position.</summary>
    [Theory]
    [InlineData("yaml", "{a: ", 4)]
    [InlineData("json", "{\"a\":", 5)]
    public void Read_RefusesNestingDeeperThanLimit_WithLineAndColumn(string format, string open, int width)
    {
        string text = string.Concat(Enumerable.Repeat(open, 100_000)) + "1" + new string('}', 100_000);

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, format, "deep." + format));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(string.Join('.', Enumerable.Repeat("a", 32)), problem.Path);
        Assert.Equal("nesting deeper than the limit of 32 levels", problem.Message);
        Assert.Equal((1, (32 * width) + 1), (problem.Line, problem.Column));
        Assert.StartsWith($"deep.{format}:1:{(32 * width) + 1}: a.a.", error.Message);
    }

    /// <summary>Deep block-style YAML (one level per line) is refused the same way, at the line that goes too deep.</summary>
    [Fact]
    public void Read_RefusesDeepBlockYaml_AtTheLineThatGoesTooDeep()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 40; i++) text.Append(' ', 2 * i).Append("k:\n");

        var problem = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text.ToString(), "yaml")).Problems);

        Assert.Equal("nesting deeper than the limit of 32 levels", problem.Message);
        Assert.Equal(33, problem.Line);
    }

    /// <summary>
    /// A bad literal followed by a long run of blank lines: System.Text.Json quotes the rest of the document in its
    /// message. Found by the fuzz bench, where stripping that message with a backtracking regex took 8 s.
    /// </summary>
    [Fact]
    public void Read_InvalidJsonLiteralBeforeALongBlankRun_QuotesABoundedPartOfIt()
    {
        var text = "{\n  \"seed\": nan," + new string(' ', 30_000) + new string('\n', 30_000) + "\"name\": \"x\"}";

        var problem = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "json")).Problems);

        Assert.Equal(2, problem.Line);
        Assert.Equal(12, problem.Column); // System.Text.Json points at the byte that breaks the literal, the a of nan
        Assert.StartsWith("syntax error: 'nan,      ", problem.Message, StringComparison.Ordinal);
        Assert.EndsWith("…' (60016 characters) is an invalid JSON literal. Expected the literal 'null'.", problem.Message, StringComparison.Ordinal);
        Assert.True(problem.Message.Length < 200, problem.Message);
    }

    /// <summary>The depth limit is the caller's: a silo may lower (or raise) it.</summary>
    [Fact]
    public void Read_UsesTheGivenDepthLimit()
    {
        var limits = new SpecLimits { Document = new SpecDocumentLimits { Depth = 3 } };

        var problem = Assert.Single(Assert.Throws<RunSpecException>(() =>
            RunSpecReader.Parse("distillation: {transfer: {omit_classes: [1]}}", "yaml", limits: limits)).Problems);

        Assert.Equal("distillation.transfer.omit_classes: nesting deeper than the limit of 3 levels", problem.ToString());
        Assert.Equal((1, 41), (problem.Line, problem.Column));
    }

    /// <summary>A list of twenty thousand items stops at the node past the limit, naming that item.</summary>
    [Theory]
    [InlineData("yaml")]
    [InlineData("json")]
    public void Read_RefusesMoreNodesThanLimit_NamingTheItem(string format)
    {
        string items = string.Join(",", Enumerable.Repeat("1", 20_000));
        string text = format == "json" ? $"{{\"seed\": [{items}]}}" : $"seed: [{items}]";

        var problem = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, format)).Problems);

        // The mapping and the list are nodes 1 and 2; item i is node i + 3.
        Assert.Equal("seed[9998]: the document has more than the limit of 10000 nodes", problem.ToString());
        Assert.Equal(1, problem.Line);
    }

    /// <summary>A value longer than the scalar limit is refused by field, with its position.</summary>
    [Theory]
    [InlineData("yaml", "data:\n  dataset: \"{0}\"\n", 2, 12)]
    [InlineData("json", "{{\"data\": {{\n  \"dataset\": \"{0}\"}}}}", 2, 14)]
    public void Read_RefusesScalarLongerThanLimit_ByField(string format, string template, int line, int column)
    {
        string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, new string('x', 5000));

        var problem = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, format)).Problems);

        Assert.Equal("data.dataset: a value of 5000 characters is over the limit of 4096", problem.ToString());
        Assert.Equal((line, column), (problem.Line, problem.Column));
    }

    /// <summary>A field name longer than the scalar limit is refused too (keys are echoed in paths).</summary>
    [Fact]
    public void Read_RefusesFieldNameLongerThanLimit()
    {
        var problem = Assert.Single(Assert.Throws<RunSpecException>(() =>
            RunSpecReader.Parse("{\"teachers\": {\"" + new string('k', 5000) + "\": 1}}", "json")).Problems);

        Assert.Equal("teachers: a field name of 5000 characters is over the limit of 4096", problem.ToString());
        Assert.Equal((1, 15), (problem.Line, problem.Column));
    }

    /// <summary>A JSON escape that leaves half a surrogate pair is refused by position (it used to escape as InvalidOperationException).</summary>
    [Fact]
    public void Read_RefusesUnpairedSurrogateEscape()
    {
        var problem = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("{\"name\": \"a\\ud800\"}", "json")).Problems);

        Assert.Equal("name: the string is not valid Unicode: an escape such as \\ud800 leaves half a surrogate pair", problem.ToString());
        Assert.Equal((1, 10), (problem.Line, problem.Column));
    }

    /// <summary>A document over the byte limit is refused before it is parsed at all.</summary>
    [Theory]
    [InlineData("yaml")]
    [InlineData("json")]
    public void Read_RefusesDocumentLargerThanLimit_BeforeParsing(string format)
    {
        // Not even valid: the size is checked first.
        string text = "{" + new string(' ', 2 << 20);

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, format, "big." + format));

        Assert.Equal($"big.{format}: the document is {(2 << 20) + 1} bytes, over the limit of 1048576 bytes", error.Message);
    }

    /// <summary>A spec file larger than the limit is refused after reading only one byte past it.</summary>
    [Fact]
    public void Load_RefusesFileLargerThanLimit()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ensemble-big-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "# " + new string('x', 3 << 20));
        try
        {
            var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Load(path));

            Assert.Equal($"{path}: the document is more than 1048576 bytes, over the limit of 1048576 bytes", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Bytes that are not UTF-8 are refused with the offset of the first bad byte.</summary>
    [Fact]
    public void Parse_InvalidUtf8_NamesTheByteOffset()
    {
        byte[] bytes = [.. "seed: 1\nname: ab"u8, 0xC3, 0x28, .. "\n"u8];

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(bytes, "yaml", "request body"));

        Assert.Equal("request body: the document is not valid UTF-8: byte 0xC3 at byte offset 16", error.Message);
    }

    /// <summary>A byte-order mark before UTF-8 text is allowed.</summary>
    [Fact]
    public void Parse_Utf8WithByteOrderMark_IsRead()
    {
        Assert.Equal(7, RunSpecReader.Parse([.. "\uFEFF"u8, .. "seed: 7\n"u8], "yaml").Seed);
    }

    /// <summary>Aliases are refused where they are used (anchors where they are set), before anything is expanded.</summary>
    [Fact]
    public void Read_RefusesAliases_WithTheirPosition()
    {
        // The parser reports the alias only: the anchor's refusal is on a node event; an alias with no anchor is a syntax error.
        var problem = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("seed: &s 4\nteachers: {count: *s}\n", "yaml")).Problems);

        Assert.Equal("seed: anchors (&s) are not supported; write the value out", problem.ToString());
        Assert.Equal((1, 7), (problem.Line, problem.Column));
    }

    /// <summary>A custom tag is refused by field; YAML's core <c>!!str</c> still makes a value text.</summary>
    [Fact]
    public void Read_RefusesCustomTags_AndKeepsCoreStringTag()
    {
        var problem = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("seed: !evil 4\n", "yaml")).Problems);
        var quoted = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("seed: !!str 4\n", "yaml")).Problems);

        Assert.Equal("seed: unsupported tag '!evil'; a spec uses plain values (or !!str)", problem.ToString());
        Assert.Equal((1, 7), (problem.Line, problem.Column));
        Assert.Equal("seed: expected an integer, got the string '4' (write it without quotes)", quoted.ToString());
    }

    /// <summary>A mapping used as a key is refused with its position.</summary>
    [Fact]
    public void Read_RefusesComplexKeys()
    {
        var problem = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("? {a: 1}\n: 2\n", "yaml")).Problems);

        Assert.Equal("expected a field name, got a complex key", problem.Message);
        Assert.Equal(1, problem.Line);
    }

    /// <summary>A key repeated inside a list item or an unknown section is still reported, by its full path.</summary>
    [Fact]
    public void Read_ReportsDuplicateKeysAnywhere_ByPath()
    {
        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("teachers:\n  count: 2\n  count: 3\n", "yaml"));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("teachers.count: duplicate field (first set on line 2)", problem.ToString());
        Assert.Equal((3, 3), (problem.Line, problem.Column));
    }

    /// <summary>A value echoed in a message is cut short and its control characters escaped.</summary>
    [Fact]
    public void Parse_EchoedValue_IsBoundedAndEscaped()
    {
        var problem = Assert.Single(Assert.Throws<RunSpecException>(() =>
            RunSpecReader.Parse("{\"seed\": \"\\u001b[31m" + new string('9', 1000) + "\"}", "json")).Problems);

        Assert.StartsWith("seed: expected an integer, got '\\u001b[31m999", problem.ToString());
        Assert.EndsWith("…' (1005 characters)", problem.ToString());
        Assert.True(problem.ToString().Length < 200, problem.ToString());
    }
}
