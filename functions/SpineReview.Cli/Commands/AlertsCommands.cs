using System.CommandLine;
using System.Text.Json;
using SpineReview.Alerts;

namespace SpineReview.Cli.Commands;

/// <summary>`alerts`: send what is due; subscribers and their emails, as an admin sees them.</summary>
internal static class AlertsCommands
{
    public static Command Create(Runner runner)
    {
        var command = new CliCommand("alerts", "send due email alerts; subscribe, confirm, unsubscribe, list, status, retry, close", """
            Usage: spine-review alerts                  send what is due: immediate alerts, daily and weekly digests, retries
                   spine-review alerts subscribe --email ADDRESS [--name NAME] [--modality M,...] [--region R,...]
                                                 [--condition C,...] [--task T,...] [--frequency immediate|daily|weekly]
                   spine-review alerts confirm TOKEN     the token from the confirmation email's link
                   spine-review alerts unsubscribe TOKEN the token from an alert's unsubscribe link
                   spine-review alerts list [--json]     every subscriber (an admin's view: addresses included)
                   spine-review alerts status            emails sent, waiting, failed or unconfirmed, with their ids
                   spine-review alerts retry ID          send a failed or unconfirmed email again (after checking it did not arrive)
                   spine-review alerts close ID          nothing more for that email (it did arrive, or should not be sent)

            Alerts tell subscribers about studies that became eligible after they confirmed: people's final
            decision is include (and, with setting Alerts__IncludeLikelyEligible=true, studies the model ranks above
            Screening__HighThreshold, labelled "likely eligible, not yet confirmed"). Each study goes to each subscriber
            once: an email that was interrupted while sending is kept as unconfirmed, never sent again on its own.
            Filters take the charting form's values; none means every eligible study:
              --modality   MRI, CT, Radiograph, Ultrasound, DEXA, Fluoroscopy, Other
              --region     Cervical, Thoracic, Lumbar, Sacral, WholeSpine
              --condition  Degenerative, Deformity, Fracture, Neoplasm, Osteoporosis, SpinalCord, Surgical, Other
              --task       Classification, Regression, Segmentation, Detection, Landmark, Generation
            Email goes through the SMTP server in settings Smtp__Host, Smtp__Port, Smtp__Security, Smtp__Username,
            Smtp__Password, Smtp__FromAddress; links start with Alerts__PublicBaseUrl.
            """);
        runner.Handle(command, async (_, c) =>
        {
            var alerts = c.Get<AlertService>();
            var nudges = await alerts.DrainNudgesAsync(c.Cancellation);
            var r = await alerts.RunAsync(AlertScope.All, c.Progress, c.Cancellation);
            if (!r.Configured)
            {
                await c.Out.WriteLineAsync("alerts done: email is not set up (set Smtp__Host and Smtp__FromAddress): 0 emails sent");
                return ExitCodes.Success;
            }
            await c.Out.WriteLineAsync($"alerts done: {r.Sent} emails sent; {r.Planned} made up with {r.PlannedStudies} studies for {r.Subscribers} subscribers due; " +
                $"{r.RetryLater} to retry, {r.Failed} failed, {r.Unconfirmed} unconfirmed, {r.Dropped} dropped, {r.Waiting} waiting; {nudges} queue messages");
            return r.HadFailures ? ExitCodes.Failed : ExitCodes.Success;
        });
        command.Add(Subscribe(runner));
        command.Add(WithToken(runner, "confirm", "confirm a subscription", "the token from the confirmation email's link", async (s, token, c) =>
        {
            var result = await s.ConfirmAsync(token, c.Cancellation);
            var p = result.Subscriber.Preferences;
            return $"alerts confirm done: {result.Subscriber.Address} {(result.AlreadyDone ? "was already confirmed" : "is confirmed")}: {p.Filters.Describe()}, {p.Frequency.ToString().ToLowerInvariant()}";
        }));
        command.Add(WithToken(runner, "unsubscribe", "end a subscription and remove its address", "the token from an alert's unsubscribe link", async (s, token, c) =>
        {
            var result = await s.UnsubscribeAsync(token, c.Cancellation);
            return $"alerts unsubscribe done: subscriber {result.Subscriber.Id} {(result.AlreadyDone ? "was already unsubscribed" : "is unsubscribed and the address removed")}";
        }));
        command.Add(List(runner));
        command.Add(Status(runner));
        command.Add(Decide(runner, "retry", "send a failed or unconfirmed email again (after checking it did not arrive)"));
        command.Add(Decide(runner, "close", "nothing more for that email (it did arrive, or should not be sent)"));
        return command;
    }

    private static CliCommand Subscribe(Runner runner)
    {
        var email = Syntax.Value("--email", "ADDRESS", "where the alerts go; a confirmation email is sent there first");
        var name = Syntax.Value("--name", "NAME", "how the emails greet the subscriber");
        var modality = Syntax.Value("--modality", "M,...", "MRI, CT, Radiograph, Ultrasound, DEXA, Fluoroscopy, Other");
        var region = Syntax.Value("--region", "R,...", "Cervical, Thoracic, Lumbar, Sacral, WholeSpine");
        var condition = Syntax.Value("--condition", "C,...", "Degenerative, Deformity, Fracture, Neoplasm, Osteoporosis, SpinalCord, Surgical, Other");
        var task = Syntax.Value("--task", "T,...", "Classification, Regression, Segmentation, Detection, Landmark, Generation");
        var frequency = Syntax.Value("--frequency", "immediate|daily|weekly", "immediate alerts (the default), or a daily or weekly digest");
        var command = new CliCommand("subscribe", "subscribe an address (double opt-in)", """
            Usage: spine-review alerts subscribe --email ADDRESS [--name NAME] [--modality M,...] [--region R,...]
                                                 [--condition C,...] [--task T,...] [--frequency immediate|daily|weekly]

            Sends a confirmation email; nothing else is sent before its link is followed. Filters take the charting
            form's values; none means every eligible study.
            """) { email, name, modality, region, condition, task, frequency };
        Syntax.Require(command, email, "needs --email ADDRESS");
        runner.Handle(command, async (p, c) =>
        {
            static List<string>? Many(string? v) => v is null ? null : [v];
            var request = new SubscriptionRequest(p.GetValue(email), p.GetValue(name), Many(p.GetValue(modality)), Many(p.GetValue(region)),
                Many(p.GetValue(condition)), Many(p.GetValue(task)), p.GetValue(frequency));
            var outcome = await c.Get<SubscriptionService>().SubscribeAsync(request, c.Cancellation);
            await c.Out.WriteLineAsync(outcome == SubscribeOutcome.ConfirmationSent
                ? $"alerts subscribe done: a confirmation email was sent to {request.Email!.Trim()}; nothing else is sent until its link is followed"
                : $"alerts subscribe done: a confirmation email went to {request.Email!.Trim()} a few minutes ago; none sent now (use the link in it)");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand WithToken(Runner runner, string action, string summary, string what, Func<SubscriptionService, string, CommandContext, Task<string>> run)
    {
        var token = Syntax.Word("TOKEN", what);
        var command = new CliCommand(action, summary, $"Usage: spine-review alerts {action} TOKEN\n\nWhat the link in the email does: {summary}.") { token };
        runner.Handle(command, async (p, c) =>
        {
            await c.Out.WriteLineAsync(await run(c.Get<SubscriptionService>(), p.GetValue(token)!, c));
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand List(Runner runner)
    {
        var json = Syntax.Flag("--json", "the list as one JSON array");
        var command = new CliCommand("list", "every subscriber (an admin's view: addresses included)", """
            Usage: spine-review alerts list [--json]

            Every subscriber with status, frequency, address and filters; an admin's view, addresses included.
            """) { json };
        runner.Handle(command, async (p, c) =>
        {
            var list = await c.Get<SubscriptionService>().ListAsync(c.Cancellation);
            if (p.GetValue(json))
            {
                await c.Out.WriteLineAsync(JsonSerializer.Serialize(list.Select(s => new SubscriberJson(s.Id, s.Status == SubscriberStatus.Unsubscribed ? null : s.Address,
                    s.Name, s.Status.ToString(), s.Preferences.Frequency.ToString(), s.Preferences.Filters.Modality, s.Preferences.Filters.Region, s.Preferences.Filters.Condition,
                    s.Preferences.Filters.Task, s.SubscribedAt, s.ConfirmedAt, s.UnsubscribedAt)).ToList(), AlertsJsonContext.Default.ListSubscriberJson));
                return ExitCodes.Success;
            }
            foreach (var s in list)
                await c.Out.WriteLineAsync($"{s.Id}  {s.Status.ToString().ToLowerInvariant(),-12} {s.Preferences.Frequency.ToString().ToLowerInvariant(),-9} " +
                    $"{(s.Address.Length == 0 ? "(removed)" : s.Address)}{(s.Name is null ? "" : $" ({s.Name})")}: {s.Preferences.Filters.Describe()}" +
                    $"{(s.Requested is not null && s.Status == SubscriberStatus.Confirmed ? "; a change waits for confirmation" : "")}");
            await c.Out.WriteLineAsync($"alerts list done: {list.Count} subscribers, {list.Count(s => s.Status == SubscriberStatus.Confirmed)} confirmed, " +
                $"{list.Count(s => s.Status == SubscriberStatus.Pending)} waiting for confirmation, {list.Count(s => s.Status == SubscriberStatus.Unsubscribed)} unsubscribed");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Status(Runner runner)
    {
        var command = new CliCommand("status", "emails sent, waiting, failed or unconfirmed, with their ids", """
            Usage: spine-review alerts status

            Subscribers and emails by state, then every email that is waiting or needs a person (failed, unconfirmed).
            Exit code 1 while any needs a person: alerts retry ID or alerts close ID.
            """);
        runner.Handle(command, async (_, c) =>
        {
            var st = await c.Get<AlertService>().StatusAsync(c.Cancellation);
            await c.Out.WriteLineAsync($"subscribers: {string.Join(", ", st.Subscribers.Select(x => $"{x.Value} {x.Key.ToString().ToLowerInvariant()}"))}");
            await c.Out.WriteLineAsync($"emails: {string.Join(", ", st.Emails.Select(x => $"{x.Value} {x.Key.ToString().ToLowerInvariant()}"))}");
            foreach (var d in st.NeedAttention.Concat(st.Waiting))
                await c.Out.WriteLineAsync($"{d.Id}  {d.State.ToString().ToLowerInvariant(),-11} to {d.To}, {d.Studies} studies, {d.Attempts} attempts" +
                    $"{(d.State == DeliveryState.Pending ? $", next attempt {d.NextAttemptAt:yyyy-MM-dd HH:mm}Z" : "")}{(d.LastError is null ? "" : $": {d.LastError}")}");
            await c.Out.WriteLineAsync($"alerts status done: {st.Emails[DeliveryState.Sent]} sent, {st.Waiting.Count} waiting, " +
                $"{st.Emails[DeliveryState.Failed]} failed, {st.Emails[DeliveryState.Unconfirmed]} unconfirmed (failed and unconfirmed need a person: alerts retry ID or alerts close ID)");
            return st.NeedAttention.Count > 0 ? ExitCodes.Failed : ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Decide(Runner runner, string action, string summary)
    {
        var id = Syntax.Word("ID", "the email's id, as alerts status lists it");
        var command = new CliCommand(action, summary, $"Usage: spine-review alerts {action} ID\n\nA person's decision on a failed or unconfirmed email: {summary}.") { id };
        runner.Handle(command, async (p, c) =>
        {
            var alerts = c.Get<AlertService>();
            var d = action == "retry" ? await alerts.RetryAsync(p.GetValue(id)!, c.Cancellation) : await alerts.CloseAsync(p.GetValue(id)!, c.Cancellation);
            await c.Out.WriteLineAsync(action == "retry"
                ? $"alerts retry done: email {d.Id} is pending again and goes out at the next pass (spine-review alerts)"
                : $"alerts close done: email {d.Id} is closed; nothing more is sent for it");
            return ExitCodes.Success;
        });
        return command;
    }
}
