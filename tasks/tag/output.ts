// What a tag task produces: the refs render substitutes into manifests and values.
import { hasStrings, isStringList, type JsonObject } from '../../core/json.ts';

/** `data` of a tag task's output. */
export interface TaggedImage extends JsonObject {
  name: string;
  image: string;
  /** The primary tag. */
  tag: string;
  /** Every `repository:tag` applied. */
  refs: string[];
  /** Registry manifest digest when pushed (`sha256:...`), otherwise the engine image id. */
  digest: string;
  pushed: boolean;
  /** Engine image id (empty for custom builders). */
  imageId: string;
  /** True when every ref was already in the registry with this image, so nothing was pushed. */
  alreadyInRegistry: boolean;
}

/** True when `data` is a tag output. */
export function isTaggedImage(data: JsonObject): data is TaggedImage {
  return (
    hasStrings(data, 'name', 'image', 'tag', 'digest', 'imageId') &&
    isStringList(data['refs']) &&
    typeof data['pushed'] === 'boolean' &&
    typeof data['alreadyInRegistry'] === 'boolean'
  );
}
