/**
 * The older line-oriented text format (`--format legacy`), kept for
 * exploratory tooling: an event block and the after-state block per step,
 * each closed by `---`.
 */
import {
  effectiveImage,
  primaryImage,
  type AuthorityImage,
  type BlobMetaImage,
  type ObjectImage,
  type OsdId,
  type PeeringEvent,
  type Snapshot,
  type SnapshotChecks,
} from '../../reducer/index.js';

function image(img: ObjectImage): string {
  return img.map(([obj, len]) => `${obj}:${len}`).join(' ');
}

function osds(list: readonly OsdId[]): string {
  return list.join(' ');
}

function authSourceLines(label: string, auth: AuthorityImage): string {
  return auth.map(([obj, item]) => `${label} ${obj} ${item.osd} ${item.length}\n`).join('');
}

function blobMetaLines(label: string, meta: BlobMetaImage): string {
  return meta
    .map(([obj, item]) => `${label} ${obj} ${item.sealed ? 1 : 0} ${item.finalLen === undefined ? -1 : item.finalLen}\n`)
    .join('');
}

const bit = (b: boolean): number => (b ? 1 : 0);

export function legacyEvent(e: PeeringEvent): string {
  let out: string;
  switch (e.type) {
    case 'Initialize':
      out =
        `IMAGE_EVENT Initialize\npgid ${e.pgid}\nwhoami ${e.whoami}\nepoch ${e.epoch}\n` +
        `acting ${osds(e.acting.osds)}\nup ${osds(e.up.osds)}\npool_size ${e.poolSize}\n` +
        `pool_min_size ${e.poolMinSize}\nlocal_image ${image(effectiveImage(e.localInfo))}\n` +
        `local_committed_seq ${e.localInfo.committedSeq}\nlast_epoch_started ${e.localInfo.lastEpochStarted}\n` +
        `last_interval_started ${e.localInfo.lastIntervalStarted}\nlast_epoch_clean ${e.localInfo.lastEpochClean}\n` +
        `prior_osds ${osds(e.priorOsds)}\n`;
      break;
    case 'AdvanceMap':
      out =
        `IMAGE_EVENT AdvanceMap\nnew_epoch ${e.newEpoch}\nnew_acting ${osds(e.newActing.osds)}\n` +
        `new_up ${osds(e.newUp.osds)}\nnew_pool_size ${e.newPoolSize}\nnew_pool_min_size ${e.newPoolMinSize}\n` +
        `prior_osds ${osds(e.priorOsds)}\n`;
      break;
    case 'PeerInfoReceived':
      out =
        `IMAGE_EVENT PeerImageReceived\nfrom ${e.from}\npeer_image ${image(effectiveImage(e.info))}\n` +
        `peer_committed_seq ${e.info.committedSeq}\nlast_epoch_started ${e.info.lastEpochStarted}\n` +
        `query_epoch ${e.queryEpoch}\n`;
      break;
    case 'PeerQueryTimeout':
      out = `IMAGE_EVENT PeerQueryTimeout\npeer ${e.peer}\n`;
      break;
    case 'UpThruUpdated':
      out = `IMAGE_EVENT UpThruUpdated\nepoch ${e.epoch}\n`;
      break;
    case 'ActivateCommitted':
      out = 'IMAGE_EVENT ActivateCommitted\n';
      break;
    case 'RecoveryComplete':
      out = `IMAGE_EVENT RecoveryComplete\npeer ${e.peer}\nepoch ${e.epoch}\n`;
      break;
    case 'AllReplicasRecovered':
      out = `IMAGE_EVENT AllReplicasRecovered\nepoch ${e.epoch}\npeers ${osds(e.peers)}\n`;
      break;
    case 'ReplicaActivate':
      out =
        `IMAGE_EVENT ReplicaActivate\nfrom ${e.from}\npeer_image ${image(effectiveImage(e.authInfo))}\n` +
        `peer_committed_seq ${e.authInfo.committedSeq}\nauthoritative_seq ${e.authoritativeSeq}\n` +
        `last_epoch_started ${e.authInfo.lastEpochStarted}\n` +
        authSourceLines('activation_auth_source', e.authSources) +
        blobMetaLines('activation_blob_meta', e.authBlobMeta) +
        `activation_epoch ${e.activationEpoch}\n`;
      break;
    case 'ReplicaRecoveryComplete': {
      const recovered = image(e.recoveredImage.length === 0 ? primaryImage(e.newCommittedLength) : e.recoveredImage);
      out =
        `IMAGE_EVENT ReplicaRecoveryComplete\nrecovered_image ${recovered}\n` +
        `new_committed_seq ${e.newCommittedSeq}\nactivation_epoch ${e.activationEpoch}\n`;
      break;
    }
    case 'DeleteStart':
      out = 'IMAGE_EVENT DeleteStart\n';
      break;
    case 'DeleteComplete':
      out = 'IMAGE_EVENT DeleteComplete\n';
      break;
  }
  return out + '---\n';
}

export function legacyState(s: Snapshot, checks: SnapshotChecks): string {
  let out =
    `IMAGE_CONTEXT\npgid ${s.pgid}\nwhoami ${s.whoami}\nepoch ${s.epoch}\n` +
    `acting ${osds(s.acting.osds)}\nacting_epoch ${s.acting.epoch}\nup ${osds(s.up.osds)}\n` +
    `up_epoch ${s.up.epoch}\npool_size ${s.poolSize}\npool_min_size ${s.poolMinSize}\n` +
    `local_committed_seq ${s.localInfo.committedSeq}\nlocal_image ${image(s.localInfo.image)}\n` +
    `local_last_epoch_started ${s.localInfo.lastEpochStarted}\n` +
    `local_last_interval_started ${s.localInfo.lastIntervalStarted}\n` +
    `local_last_epoch_clean ${s.localInfo.lastEpochClean}\nauth_seq ${s.authSeq}\n` +
    `auth_image ${image(s.authImage)}\n` +
    authSourceLines('auth_source', s.authSources) +
    blobMetaLines('auth_blob_meta', s.authBlobMeta);
  for (const [osd, info] of s.peerInfo) {
    out += `peer_image ${osd} ${image(effectiveImage(info))} ${info.lastEpochStarted}\n`;
    out += `peer_committed_seq ${osd} ${info.committedSeq}\n`;
  }
  out +=
    `peers_queried ${osds(s.peersQueried)}\npeers_responded ${osds(s.peersResponded)}\n` +
    `prior_osds ${osds(s.priorOsds)}\n`;
  for (const plan of s.peerRecoveryPlans) {
    out += `peer_recovery_seq ${plan.target} ${plan.peerCommittedSeq} ${plan.authoritativeSeq}\n`;
    for (const r of plan.recoveries) {
      out += `peer_recovery ${plan.target} ${r.obj} ${r.fromLength} ${r.toLength}\n`;
      out += `peer_recovery_source ${plan.target} ${r.obj} ${r.source}\n`;
    }
  }
  for (const r of s.localRecoveryPlan) {
    out += `local_recovery ${r.obj} ${r.fromLength} ${r.toLength}\nlocal_recovery_source ${r.obj} ${r.source}\n`;
  }
  if (s.localInfo.committedSeq < s.authSeq) {
    out += `local_recovery_seq ${s.localInfo.committedSeq} ${s.authSeq}\n`;
  }
  out +=
    `recovered ${osds(s.recovered)}\ntimed_out_probes ${osds(s.timedOutProbes)}\n` +
    `need_up_thru ${bit(s.needUpThru)}\nactivated ${bit(s.activated)}\n` +
    `pending_acting_change ${bit(s.pendingActingChange)}\nlast_peering_reset ${s.lastPeeringReset}\n` +
    `have_enough_info ${bit(checks.haveEnoughInfo)}\nimage_invariant ${bit(checks.imageInvariant)}\n` +
    `image_clean ${bit(checks.imageClean)}\nimage_recovering ${bit(checks.imageRecovering)}\n---\n`;
  return out;
}
