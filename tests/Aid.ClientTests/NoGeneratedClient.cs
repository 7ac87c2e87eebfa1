namespace Aid.ClientTests;

/// <summary>Compiled only while Generated/ holds no client (see the project file): says why the client tests did not run.</summary>
public sealed class NoGeneratedClient
{
    [Fact]
    public void Generated_client() =>
        Assert.Skip("tests/Aid.ClientTests/Generated/ holds no generated client: run `dotnet build Aid.sln -c Release` and then " +
            "scripts/openapi.sh (scripts/test.sh does both), then build again.");
}
