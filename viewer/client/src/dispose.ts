/** Freeing the GPU resources of objects taken out of the scene (markers are rebuilt every take). */
import { Mesh, MeshBasicMaterial, MeshStandardMaterial, Sprite, SpriteMaterial, type Material, type Object3D } from 'three';

/**
 * Dispose the geometries, materials and textures of `root` and everything below it (geometry shared by
 * cloned robots may be disposed more than once: harmless).
 */
export function disposeTree(root: Object3D): void {
  root.traverse((object) => {
    if (!(object instanceof Mesh || object instanceof Sprite)) return;
    object.geometry.dispose();
    const materials: Material[] = Array.isArray(object.material) ? object.material : [object.material];
    for (const material of materials) {
      if (material instanceof MeshStandardMaterial || material instanceof MeshBasicMaterial || material instanceof SpriteMaterial) material.map?.dispose();
      material.dispose();
    }
  });
}
