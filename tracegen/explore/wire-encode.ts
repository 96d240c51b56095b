/**
 * Writes explore events. Events without wire details go through the
 * upstream encoder unchanged; the others are written member by member in
 * the same order, with the raw image list, `"final_len": null` where the
 * length is unknown, and two extra members the Lean parser ignores:
 * `ill_formed` (why the image is not canonical) and `explore_features`.
 */
import {
  effectiveImage,
  normalizedPeerInfo,
  normalizedPGInfo,
  type BlobMetaImage,
  type ObjectImage,
  type OsdId,
  type PeerInfo,
  type PGInfo,
} from '../../reducer/index.js';
import type { ByteWriter } from '../encode/byte-writer.js';
import { writeAuthority, writeEvent, writeImage, writeOsdList } from '../encode/encode.js';
import type { ExploreEvent, WireDetails } from './grammar/wire.js';

type W = ByteWriter;

function writeBlobMetaWire(w: W, meta: BlobMetaImage, nullFinalLen: boolean): void {
  w.byte(0x5b);
  for (let i = 0; i < meta.length; i++) {
    const [obj, item] = meta[i]!;
    w.token(i === 0 ? '{"obj":' : ',{"obj":');
    w.u64(obj);
    w.token(',"sealed":');
    w.bool(item.sealed);
    if (item.finalLen !== undefined) {
      w.token(',"final_len":');
      w.u64(item.finalLen);
    } else if (nullFinalLen) {
      w.token(',"final_len":null');
    }
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

/** The wire image when one is given, else the canonical (effective) one. */
function imageOnWire(w: W, canonical: ObjectImage, wire: WireDetails): void {
  writeImage(w, wire.image === undefined ? canonical : wire.image.entries);
}

function writePeerInfoWire(w: W, raw: PeerInfo, osd: OsdId, wire: WireDetails): void {
  const info = normalizedPeerInfo(raw);
  w.token('{"osd":');
  w.int(osd);
  w.token(',"committed_seq":');
  w.u64(info.committedSeq);
  w.token(',"committed_length":');
  w.u64(info.committedLength);
  w.token(',"image":');
  imageOnWire(w, effectiveImage(info), wire);
  w.token(',"blob_meta":');
  writeBlobMetaWire(w, info.blobMeta, wire.nullFinalLen ?? false);
  w.token(',"last_epoch_started":');
  w.uint(info.lastEpochStarted);
  w.token(',"last_interval_started":');
  w.uint(info.lastIntervalStarted);
  w.byte(0x7d);
}

function writePGInfoWire(w: W, raw: PGInfo, wire: WireDetails): void {
  const info = normalizedPGInfo(raw);
  w.token('{"pgid":');
  w.u64(info.pgid);
  w.token(',"committed_seq":');
  w.u64(info.committedSeq);
  w.token(',"committed_length":');
  w.u64(info.committedLength);
  w.token(',"image":');
  imageOnWire(w, info.image, wire);
  w.token(',"blob_meta":');
  writeBlobMetaWire(w, info.blobMeta, wire.nullFinalLen ?? false);
  w.token(',"last_epoch_started":');
  w.uint(info.lastEpochStarted);
  w.token(',"last_interval_started":');
  w.uint(info.lastIntervalStarted);
  w.token(',"last_epoch_clean":');
  w.uint(info.lastEpochClean);
  w.token(',"epoch_created":');
  w.uint(info.epochCreated);
  w.token(',"same_interval_since":');
  w.uint(info.sameIntervalSince);
  w.token(',"same_up_since":');
  w.uint(info.sameUpSince);
  w.token(',"same_primary_since":');
  w.uint(info.samePrimarySince);
  w.byte(0x7d);
}

function writeStringList(w: W, items: readonly string[]): void {
  w.byte(0x5b);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) w.byte(0x2c);
    w.byte(0x22);
    w.ascii(items[i]!);
    w.byte(0x22);
  }
  w.byte(0x5d);
}

/** Members after the upstream ones; the Lean parser never reads them. */
function writeExtras(w: W, wire: WireDetails): void {
  if (wire.image !== undefined && wire.image.tags.length > 0) {
    w.token(',"ill_formed":');
    writeStringList(w, wire.image.tags);
  }
  if (wire.features !== undefined) {
    w.token(',"explore_features":');
    writeStringList(w, wire.features);
  }
}

/** Writes the event with its closing brace but no trailing newline. */
export function writeExploreEvent(w: W, ev: ExploreEvent): void {
  const wire = ev.wire;
  if (wire === undefined) {
    writeEvent(w, ev.event);
    return;
  }
  const e = ev.event;
  switch (e.type) {
    case 'Initialize':
      w.token('{"type":"Initialize","pgid":');
      w.u64(e.pgid);
      w.token(',"whoami":');
      w.int(e.whoami);
      w.token(',"epoch":');
      w.uint(e.epoch);
      w.token(',"acting":{"osds":');
      writeOsdList(w, e.acting.osds);
      w.token(',"epoch":');
      w.uint(e.acting.epoch);
      w.token('},"up":{"osds":');
      writeOsdList(w, e.up.osds);
      w.token(',"epoch":');
      w.uint(e.up.epoch);
      w.token('},"pool_size":');
      w.int(e.poolSize);
      w.token(',"pool_min_size":');
      w.int(e.poolMinSize);
      w.token(',"local_info":');
      writePGInfoWire(w, e.localInfo, wire);
      w.token(',"prior_osds":');
      writeOsdList(w, e.priorOsds);
      break;
    case 'PeerInfoReceived':
      w.token('{"type":"PeerInfoReceived","from":');
      w.int(e.from);
      w.token(',"info":');
      writePeerInfoWire(w, e.info, e.info.osd, wire);
      w.token(',"query_epoch":');
      w.uint(e.queryEpoch);
      break;
    case 'ReplicaActivate':
      w.token('{"type":"ReplicaActivate","from":');
      w.int(e.from);
      w.token(',"auth_info":');
      writePeerInfoWire(w, e.authInfo, e.authInfo.osd, wire);
      w.token(',"auth_sources":');
      writeAuthority(w, e.authSources);
      w.token(',"auth_blob_meta":');
      writeBlobMetaWire(w, e.authBlobMeta, wire.nullFinalLen ?? false);
      w.token(',"authoritative_seq":');
      w.u64(e.authoritativeSeq);
      w.token(',"activation_epoch":');
      w.uint(e.activationEpoch);
      break;
    case 'ReplicaRecoveryComplete':
      w.token('{"type":"ReplicaRecoveryComplete","new_committed_seq":');
      w.u64(e.newCommittedSeq);
      w.token(',"new_committed_length":');
      w.u64(e.newCommittedLength);
      w.token(',"recovered_image":');
      imageOnWire(w, e.recoveredImage, wire);
      w.token(',"activation_epoch":');
      w.uint(e.activationEpoch);
      break;
    default:
      throw new Error(`explore: wire details on a ${e.type} event`);
  }
  writeExtras(w, wire);
  w.byte(0x7d);
}
