'use client';
import { useEffect, useState } from 'react';
import { api } from '@/lib/api';
import { EventCard, StoredEvent } from './event-card';
import { ErrorState, Loading } from './states';

interface Link {
  title: string;
  events: StoredEvent[];
}

type Page = { items: StoredEvent[] };

/**
 * An event stream's history back to what caused it: for an execution, the version it ran, that
 * version's edit (ScriptVersionSaved) with everything its request caused (by correlation id: the
 * build, the deploy), and every causation id followed to its event.
 */
export function CausationChain({ streamId }: { streamId: string }) {
  const [links, setLinks] = useState<Link[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    chainOf(streamId).then(setLinks, (err) => setError((err as Error).message));
  }, [streamId]);
  if (error) return <ErrorState message={error} />;
  if (!links) return <Loading what="the causation chain" />;
  return (
    <section aria-labelledby="chain-title">
      <h1 id="chain-title">Causation chain of {streamId}</h1>
      {links.map((l) => (
        <section key={l.title} aria-label={l.title} className="chain-link">
          <h2>{l.title}</h2>
          <ol className="events" data-testid="chain-events">
            {l.events.map((e) => (
              <EventCard key={e.position} event={e} />
            ))}
          </ol>
        </section>
      ))}
    </section>
  );
}

async function chainOf(streamId: string): Promise<Link[]> {
  const own = (await api<Page>(`/events?stream=${encodeURIComponent(streamId)}&limit=1000`)).items;
  const links: Link[] = [{ title: `The stream ${streamId}`, events: own }];
  const seen = new Set(own.map((e) => e.eventId));
  // Causation ids of the stream's events lead to the events that caused them (a trigger fired, a save).
  const causes: StoredEvent[] = [];
  for (const id of new Set(own.map((e) => e.metadata?.causationId).filter((x): x is string => !!x))) {
    if (seen.has(id) || !isUuid(id)) continue;
    const [cause] = (await api<Page>(`/events?eventId=${id}&limit=1`)).items;
    if (!cause) continue;
    seen.add(cause.eventId);
    causes.push(cause);
  }
  if (causes.length) links.push({ title: 'Caused by', events: causes });
  // An execution ran a version: its edit and what that edit's request caused (build, deploy).
  const queued = own.find((e) => e.type === 'ExecutionQueued');
  const scriptId: string | undefined = queued?.data?.scriptId;
  const version: number | undefined = queued?.data?.version;
  if (scriptId && version) {
    const saves = (
      await api<Page>(
        `/events?stream=${encodeURIComponent(`script-${scriptId}`)}&type=ScriptVersionSaved&limit=1000`,
      )
    ).items;
    const edit = saves.find((e) => e.data?.version === version);
    if (edit) {
      links.push({ title: `The edit that saved version ${version}`, events: [edit] });
      const correlationId = edit.metadata?.correlationId;
      const related = correlationId
        ? (await api<Page>(`/events?correlationId=${encodeURIComponent(correlationId)}&limit=1000`)).items
        : [];
      const builds = (
        await api<Page>(`/events?type=BuildRequested,BuildStarted,BuildSucceeded,BuildFailed&limit=1000`)
      ).items.filter((e) => e.data?.scriptId === scriptId && e.data?.version === version);
      const deploys = (
        await api<Page>(
          `/events?stream=${encodeURIComponent(`script-${scriptId}`)}&type=ScriptVersionDeployed&limit=1000`,
        )
      ).items.filter((e) => e.data?.version === version);
      const rest = [...related, ...builds, ...deploys]
        .filter((e) => e.eventId !== edit.eventId)
        .filter((e, i, all) => all.findIndex((x) => x.eventId === e.eventId) === i)
        .sort((a, b) => a.position - b.position);
      links.push({ title: 'What the edit caused: build and deploy', events: rest });
    }
  }
  return links;
}

function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
