using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SpineReview.Tests.Support;

/// <summary>Every log entry of a host, with its category, level and exception, to check what a person would see.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    internal sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : $" [{Exception.GetType().Name}]")}";
    }

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}
