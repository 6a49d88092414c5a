import { DataTable } from "~/ui/layout";
import type { PropagationView } from "./view-types";

/** "Appliqué sur 2 / 2 instances", in words. */
export function propagationSentence(p: PropagationView): string {
  if (p.total === 0) return `Version ${p.version} : aucune instance active ne s’est signalée dans les 15 dernières secondes.`;
  return `Appliqué sur ${p.applied} / ${p.total} instance${p.total > 1 ? "s" : ""} (version ${p.version}).`;
}

/** The instances that have not confirmed a version yet, if any. */
export function LaggardInstances({ propagation, caption }: { propagation: PropagationView; caption: string }) {
  if (propagation.laggards.length === 0) return null;
  return (
    <div className="mt-3">
      <DataTable
        caption={caption}
        headers={["Instance", "Hôte (processus)", "Version appliquée", "Dernier signal"]}
        rows={propagation.laggards.map((i) => [
          <code key="id" className="break-all">
            {i.id}
          </code>,
          `${i.hostname} (${i.pid})`,
          i.appliedVersion,
          <time key="hb" dateTime={i.heartbeat.iso}>
            {i.heartbeat.label}
          </time>,
        ])}
      />
    </div>
  );
}
