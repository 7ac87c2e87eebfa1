using System.Reflection;
using Aid.Application.Programmes;
using Mediator;

namespace Aid.Tests.Application;

public sealed class ArchitectureTests
{
    private static readonly Assembly ApplicationAssembly = typeof(CreateProgramme).Assembly;

    [Fact]
    public void Application_references_neither_AspNetCore_nor_Infrastructure()
    {
        var references = ApplicationAssembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Mediator", references); // the check looks at real references
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Aid.Infrastructure", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Aid.Api", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r is "Npgsql" or "Microsoft.Data.Sqlite");
    }

    [Fact]
    public void Handlers_are_internal_sealed()
    {
        var handlerInterfaces = new[] { typeof(ICommandHandler<,>), typeof(IQueryHandler<,>) };
        var handlers = ApplicationAssembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && handlerInterfaces.Contains(i.GetGenericTypeDefinition())))
            .ToList();
        Assert.True(handlers.Count >= 10, $"only {handlers.Count} handlers found");
        Assert.All(handlers, h =>
        {
            Assert.True(h.IsNotPublic, $"{h.Name} must be internal");
            Assert.True(h.IsSealed, $"{h.Name} must be sealed");
            Assert.EndsWith("Handler", h.Name);
        });
    }
}
